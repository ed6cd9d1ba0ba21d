/// One line of a recorded history: a call (`invoke`) or a completion (`ok`, `fail`, `info`).
struct HistoryEvent {
    enum Kind: String { case invoke, ok, fail, info }
    var process: Int
    var kind: Kind
    var function: String
    var key: String?
    var value: Value
    /// nil when the format has no clock: the event's position is its time.
    var time: Int64?
    var node: String?
    var opID: Int64?
    var error: String?
    var line: Int
}

/// Why a history could not be read.
public struct HistoryReadError: Error, CustomStringConvertible, Sendable {
    public var line: Int?
    /// The column (from 1) where the format knows it (EDN).
    public var column: Int?
    public var message: String
    public init(line: Int?, _ message: String) {
        self.line = line
        self.message = message
    }
    public init(line: Int, column: Int, _ message: String) {
        self.line = line
        self.column = column
        self.message = message
    }
    public var description: String {
        guard let line else { return message }
        return column.map { "line \(line), column \($0): \(message)" } ?? "line \(line): \(message)"
    }
}

/// Pairs calls with completions into operations.
///
/// A completion belongs to the open call with the same op id when the format records one, else to
/// the open call of the same process. `fail` means the operation did not take effect: it is
/// dropped, except where `failedCASObserves` gives Porcupine's reading of a failed cas (a definite
/// observation that the value differed). `info` and calls never completed are indeterminate.
struct OperationAssembler {
    var failedCASObserves = false

    private enum Slot: Hashable {
        case id(Int64)
        case process(Int)
    }

    func assemble(_ events: [HistoryEvent]) throws -> [Operation] {
        try assembleKeepingAborted(events).operations
    }

    /// The operations, and apart from them the calls that completed with `fail` (they did not take
    /// effect; a transactional check still needs them to recognise a read of an aborted write).
    func assembleKeepingAborted(_ events: [HistoryEvent]) throws -> (operations: [Operation], aborted: [Operation]) {
        var aborted: [Operation] = []
        let clocked = events.allSatisfy { $0.time != nil }
        var open: [Slot: (event: HistoryEvent, time: Int64)] = [:]
        var ops: [(call: Int64, seq: Int, op: Operation)] = []
        var lastTime = Int64.min

        for (position, ev) in events.enumerated() {
            let time = clocked ? ev.time! : Int64(position)
            if clocked && time < lastTime {
                throw HistoryReadError(line: ev.line, "time goes backwards (\(time) after \(lastTime))")
            }
            lastTime = max(lastTime, time)
            let slot = ev.opID.map(Slot.id) ?? .process(ev.process)
            switch ev.kind {
            case .invoke:
                if ev.opID == nil, open[slot] != nil {
                    throw HistoryReadError(line: ev.line, "process \(ev.process) calls again before its last call completed")
                }
                if open[slot] != nil { throw HistoryReadError(line: ev.line, "op id \(ev.opID ?? 0) called twice") }
                open[slot] = (ev, time)
            case .ok, .fail, .info:
                guard let (call, callTime) = open.removeValue(forKey: slot) else {
                    throw HistoryReadError(line: ev.line, "a completion (\(ev.kind.rawValue)) with no open call for process \(ev.process)")
                }
                if call.function != ev.function {
                    throw HistoryReadError(line: ev.line, "completion of \(ev.function) matches a call of \(call.function)")
                }
                var op = Operation(
                    id: 0, process: call.process, node: call.node ?? ev.node, function: call.function,
                    key: call.key ?? ev.key, input: call.value, output: ev.value, outcome: .ok,
                    callTime: callTime, returnTime: time, error: ev.error)
                switch ev.kind {
                case .ok:
                    break
                case .fail:
                    guard failedCASObserves && call.function == "cas" else {
                        aborted.append(op)
                        continue
                    }
                    op.output = .bool(false)
                default:
                    op.outcome = .indeterminate
                    op.output = .null
                    op.returnTime = nil
                }
                ops.append((callTime, position, op))
            }
        }
        for (_, (call, callTime)) in open {
            ops.append((callTime, Int(clamping: call.line), Operation(
                id: 0, process: call.process, node: call.node, function: call.function, key: call.key,
                input: call.value, outcome: .indeterminate, callTime: callTime, returnTime: nil, error: call.error)))
        }
        ops.sort { ($0.call, $0.seq) < ($1.call, $1.seq) }
        let numbered = ops.enumerated().map { i, entry in
            var op = entry.op
            op.id = i
            return op
        }
        // Aborted calls are numbered after the operations, so every id in a report is distinct.
        for k in aborted.indices { aborted[k].id = numbered.count + k }
        return (numbered, aborted)
    }
}
