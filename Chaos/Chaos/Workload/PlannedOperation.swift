import Linearizability
import RESP

/// One operation a client is about to run: what it sends and how the history records it.
struct PlannedOperation: Sendable {
    enum Workload: String, Sendable { case register, map, set }

    /// What a successful reply must look like, and the value the history records for it.
    enum Expect: Sendable {
        /// GET: a bulk string (the value) or null.
        case value
        /// SET: +OK; the history records the value written.
        case ok
        /// CAS: 1 swapped (true), 0 saw another value (false).
        case swapped
        /// DEL: the number of keys removed.
        case count
        /// RPUSH: the list's new length; any non-error reply is an acknowledgement.
        case appended
    }

    var workload: Workload
    /// The history's function: read, write, cas (registers); get, set, del (map); add (set).
    var function: String
    var key: String
    /// The history's argument.
    var argument: Value
    var command: [String]
    var expect: Expect

    /// Reads change nothing, so a failed read is a `fail` whatever the error.
    var isRead: Bool { function == "read" || function == "get" }

    /// The completion for the node's reply.
    func complete(with reply: RESPValue) -> Completion {
        if case .error(let text) = reply {
            if isRead || !ErrorContract.writeMayHaveTakenEffect(text) { return .fail(text) }
            return .info(text)
        }
        if let value = interpret(reply) { return .ok(value) }
        // A reply this command cannot give: the node did something, but we cannot say what.
        let text = "unexpected reply \(Self.describe(reply))"
        return isRead ? .fail(text) : .info(text)
    }

    private func interpret(_ reply: RESPValue) -> Value? {
        switch expect {
        case .value:
            switch reply {
            case .bulkString(nil), .null: return .null
            case .bulkString(let bytes?):
                let text = String(decoding: bytes, as: UTF8.self)
                return Int64(text).map(Value.int) ?? .string(text)
            default: return nil
            }
        case .ok:
            return reply == .ok ? argument : nil
        case .swapped:
            switch reply {
            case .integer(1): return .bool(true)
            case .integer(0): return .bool(false)
            default: return nil
            }
        case .count:
            if case .integer(let n) = reply { return .int(n) }
            return nil
        case .appended:
            return argument
        }
    }

    static func describe(_ reply: RESPValue) -> String {
        switch reply {
        case .simpleString(let s): return "+\(s)"
        case .error(let s): return "-\(s)"
        case .integer(let i): return ":\(i)"
        case .bulkString(let b): return b.map { "\"\(String(decoding: $0.prefix(64), as: UTF8.self))\"" } ?? "(nil)"
        default: return "\(reply)".prefix(80).description
        }
    }
}
