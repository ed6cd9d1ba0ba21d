import Foundation

/// The project's own history format: JSON lines, one event per line (docs/history-format.md).
enum JSONLinesFormat {
    struct Line: Decodable {
        var format: String?
        var version: Int?
        var model: String?
        var process: Int?
        var type: String?
        var f: String?
        var key: Value?
        var value: Value?
        var time: Int64?
        var node: String?
        var id: Int64?
        var error: String?
    }

    static func parse(_ bytes: [UInt8]) throws -> History {
        let decoder = JSONDecoder()
        var events: [HistoryEvent] = []
        var model: String?
        var lineNumber = 0
        var start = 0
        while start < bytes.count {
            var end = start
            while end < bytes.count && bytes[end] != 10 { end += 1 }
            lineNumber += 1
            let slice = bytes[start..<end]
            start = end + 1
            if slice.allSatisfy({ $0 == 32 || $0 == 9 || $0 == 13 }) { continue }
            let line: Line
            do {
                line = try decoder.decode(Line.self, from: Data(slice))
            } catch {
                throw HistoryReadError(line: lineNumber, "not a history event: \(describe(error))")
            }
            guard let type = line.type else {
                // A header line: {"format": "raft-chaos-history", "version": 1, "model": "..."}
                if line.format != nil || line.model != nil {
                    model = line.model ?? model
                    continue
                }
                throw HistoryReadError(line: lineNumber, "no \"type\"")
            }
            guard let kind = HistoryEvent.Kind(rawValue: type) else {
                throw HistoryReadError(line: lineNumber, "\"type\" must be invoke, ok, fail or info, not \(type)")
            }
            guard let process = line.process else { throw HistoryReadError(line: lineNumber, "no \"process\"") }
            guard let f = line.f else { throw HistoryReadError(line: lineNumber, "no \"f\"") }
            var key: String?
            switch line.key {
            case nil, .null?: key = nil
            case .string(let k)?: key = k
            case .int(let k)?: key = String(k)
            default: throw HistoryReadError(line: lineNumber, "\"key\" must be a string or an integer")
            }
            events.append(HistoryEvent(
                process: process, kind: kind, function: f, key: key, value: line.value ?? .null, time: line.time,
                node: line.node, opID: line.id, error: line.error, line: lineNumber))
        }
        let (ops, aborted) = try OperationAssembler().assembleKeepingAborted(events)
        var history = History(operations: ops, format: .jsonl)
        history.aborted = aborted
        history.suggestedModel = model ?? (history.operations.isEmpty ? nil : Models.guess(for: history))
        return history
    }

    private static func describe(_ error: any Error) -> String {
        if case DecodingError.dataCorrupted(let c) = error { return c.debugDescription }
        if case DecodingError.typeMismatch(_, let c) = error {
            return "wrong type at \(c.codingPath.map(\.stringValue).joined(separator: "."))"
        }
        return "\(error)"
    }
}
