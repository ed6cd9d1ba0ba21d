/// Porcupine's etcd test data: lines `INFO jepsen.util - <process> :<type> :<f> <value>`, in real-time
/// order with no clock (the line number is the time). One cas register, initially nil.
/// `:fail :read :timed-out` is an unknown read (dropped); `:fail :cas` observed a different value.
enum PorcupineEtcdFormat {
    static func parse(_ bytes: [UInt8]) throws -> History {
        let text = String(decoding: bytes, as: UTF8.self)
        var events: [HistoryEvent] = []
        var lineNumber = 0
        for rawLine in text.split(separator: "\n", omittingEmptySubsequences: false) {
            lineNumber += 1
            let fields = rawLine.split(whereSeparator: { $0 == " " || $0 == "\t" || $0 == "\r" })
            if fields.isEmpty { continue }
            guard fields.count >= 7, fields[0] == "INFO", fields[1] == "jepsen.util", fields[2] == "-",
                let process = Int(fields[3]), fields[4].hasPrefix(":"), fields[5].hasPrefix(":"),
                let kind = HistoryEvent.Kind(rawValue: String(fields[4].dropFirst()))
            else {
                throw HistoryReadError(line: lineNumber, "not a Porcupine etcd log line: \(rawLine.prefix(80))")
            }
            let function = String(fields[5].dropFirst())
            guard ["read", "write", "cas"].contains(function) else {
                throw HistoryReadError(line: lineNumber, "unknown function :\(function)")
            }
            let valueText = fields[6...].joined(separator: " ")
            let value: Value
            if valueText == "nil" || valueText == ":timed-out" {
                value = .null
            } else if let n = Int64(valueText) {
                value = .int(n)
            } else if valueText.hasPrefix("["), valueText.hasSuffix("]") {
                let parts = valueText.dropFirst().dropLast().split(separator: " ").map { Int64($0) }
                guard parts.count == 2, let a = parts[0], let b = parts[1] else {
                    throw HistoryReadError(line: lineNumber, "bad cas argument \(valueText)")
                }
                value = .list([.int(a), .int(b)])
            } else {
                throw HistoryReadError(line: lineNumber, "bad value \(valueText)")
            }
            events.append(HistoryEvent(
                process: process, kind: kind, function: function, key: nil, value: value, time: nil,
                node: nil, opID: nil, error: valueText == ":timed-out" ? "timed-out" : nil, line: lineNumber))
        }
        // A failed read timed out: its result is unknown, so it observes nothing and is dropped
        // (fail is dropped by the assembler for everything but cas).
        let ops = try OperationAssembler(failedCASObserves: true).assemble(events)
        return History(operations: ops, suggestedModel: "cas-register", format: .porcupineEtcd)
    }
}
