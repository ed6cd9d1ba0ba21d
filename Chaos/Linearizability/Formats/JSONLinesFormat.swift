/// The project's own history format: JSON lines, one event per line (docs/history-format.md).
enum JSONLinesFormat {
    /// One line's fields; nil where absent or null.
    struct Line {
        var format: String?
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
        try bytes.withUnsafeBufferPointer { buffer in try parse(buffer) }
    }

    private static func parse(_ bytes: UnsafeBufferPointer<UInt8>) throws -> History {
        var events: [HistoryEvent] = []
        var model: String?
        var lineNumber = 0
        var start = 0
        while start < bytes.count {
            var end = start
            while end < bytes.count && bytes[end] != 10 { end += 1 }
            lineNumber += 1
            let lineStart = start
            start = end + 1
            var blank = true
            for k in lineStart..<end where bytes[k] != 32 && bytes[k] != 9 && bytes[k] != 13 {
                blank = false
                break
            }
            if blank { continue }
            let line: Line
            do {
                line = try read(bytes, from: lineStart, to: end)
            } catch {
                throw HistoryReadError(line: lineNumber, column: error.column, "not a history event: \(error.message)")
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

    private static func read(_ bytes: UnsafeBufferPointer<UInt8>, from: Int, to: Int) throws(JSONLineReader.Failure) -> Line {
        var r = JSONLineReader(bytes, from: from, to: to)
        var line = Line()
        try r.object { (r, name) throws(JSONLineReader.Failure) in
            switch name {
            case "type": line.type = try text(&r, name)
            case "process":
                if let p = try integer(&r, name) {
                    guard let small = Int(exactly: p) else { throw r.fail("\"process\" is out of range") }
                    line.process = small
                }
            case "f": line.f = try text(&r, name)
            case "key": line.key = try r.value()
            case "value": line.value = try r.value()
            case "time": line.time = try integer(&r, name)
            case "id": line.id = try integer(&r, name)
            case "node": line.node = try text(&r, name)
            case "error": line.error = try text(&r, name)
            case "format": line.format = try text(&r, name)
            case "model": line.model = try text(&r, name)
            default: try r.skipValue()
            }
        }
        try r.expectEnd()
        return line
    }

    private static func text(_ r: inout JSONLineReader, _ name: String) throws(JSONLineReader.Failure) -> String? {
        switch try r.value() {
        case .null: return nil
        case .string(let s): return s
        default: throw r.fail("\"\(name)\" must be a string")
        }
    }

    private static func integer(_ r: inout JSONLineReader, _ name: String) throws(JSONLineReader.Failure) -> Int64? {
        switch try r.value() {
        case .null: return nil
        case .int(let i): return i
        default: throw r.fail("\"\(name)\" must be an integer")
        }
    }
}
