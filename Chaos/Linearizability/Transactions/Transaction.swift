/// One step of a list-append transaction: an append of a unique element to a key's list, or a
/// read of a key's whole list (`nil` before the transaction ran or when its result is unknown).
public enum MicroOp: Sendable, Hashable {
    case append(key: String, element: Value)
    case read(key: String, elements: [Value]?)

    public var key: String {
        switch self {
        case .append(let k, _), .read(let k, _): return k
        }
    }

    public var description: String {
        switch self {
        case .append(let k, let v): return "append \(k) \(v)"
        case .read(let k, let els): return "r \(k) " + (els.map { "[" + $0.map(\.description).joined(separator: " ") + "]" } ?? "?")
        }
    }
}

/// A transaction as the list-append check sees it: the operation it came from and its steps, with
/// the reads it observed when it committed.
public struct Transaction: Sendable {
    public enum Status: Sendable { case committed, indeterminate, aborted }
    public var operation: Operation
    public var status: Status
    public var steps: [MicroOp]

    /// A short form for explanations: `#4 p2 [append x 1, r y [1 2]]`.
    public var summary: String {
        let tag: String
        switch status {
        case .committed: tag = ""
        case .indeterminate: tag = " (outcome unknown)"
        case .aborted: tag = " (aborted)"
        }
        return "#\(operation.id) p\(operation.process) [" + steps.map(\.description).joined(separator: ", ") + "]" + tag
    }

    /// The steps of `op` (an `f: txn` operation): its output when it committed (reads filled in),
    /// its input otherwise. Each step is `[f, key, value]`, f one of `append`, `r` (or `read`),
    /// with or without Jepsen's keyword colon.
    public static func parse(_ op: Operation, status: Status) throws(TransactionFormatError) -> Transaction {
        let source = status == .committed && !op.output.isNull ? op.output : op.input
        guard case .list(let items) = source else {
            throw TransactionFormatError(operation: op, "a transaction's value must be a list of [f key value] steps, got \(source)")
        }
        var steps: [MicroOp] = []
        steps.reserveCapacity(items.count)
        for item in items {
            guard case .list(let parts) = item, parts.count == 3 || parts.count == 2, case .string(var f) = parts[0] else {
                throw TransactionFormatError(operation: op, "a step must be [f key value], got \(item)")
            }
            if f.hasPrefix(":") { f.removeFirst() }
            let key: String
            switch parts[1] {
            case .string(let s): key = s.hasPrefix(":") ? String(s.dropFirst()) : s
            case .int(let i): key = String(i)
            default: throw TransactionFormatError(operation: op, "a step's key must be a string or an integer, got \(parts[1])")
            }
            let value = parts.count == 3 ? parts[2] : .null
            switch f {
            case "append":
                guard !value.isNull else { throw TransactionFormatError(operation: op, "append \(key) needs an element") }
                steps.append(.append(key: key, element: value))
            case "r", "read":
                switch value {
                case .null: steps.append(.read(key: key, elements: status == .committed ? [] : nil))
                case .list(let els): steps.append(.read(key: key, elements: status == .committed ? els : nil))
                default: throw TransactionFormatError(operation: op, "read \(key) must return a list, got \(value)")
                }
            default:
                throw TransactionFormatError(operation: op, "the list-append model knows append and r, not \(f)")
            }
        }
        return Transaction(operation: op, status: status, steps: steps)
    }
}

/// A transaction the list-append check cannot read.
public struct TransactionFormatError: Error, Sendable, CustomStringConvertible {
    public var operationID: Int
    public var message: String
    init(operation: Operation, _ message: String) {
        operationID = operation.id
        self.message = message
    }
    public var description: String { "operation \(operationID): \(message)" }
}
