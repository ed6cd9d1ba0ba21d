/// Jepsen histories in EDN: one map per event (`:process`, `:type`, `:f`, `:value`, optional
/// `:key`, `:time`, `:index`), one per line or spread over lines, or a single vector of maps.
/// Events of non-client processes (`:nemesis`, any keyword) are not operations.
enum JepsenEDNFormat {
    static func parse(_ bytes: [UInt8]) throws -> History {
        var reader = EDNReader(bytes)
        var events: [HistoryEvent] = []
        do {
            while let (form, line) = try reader.nextForm() {
                if case .vector(let items) = form {
                    for item in items { if let ev = try event(item, line: line) { events.append(ev) } }
                } else if let ev = try event(form, line: line) {
                    events.append(ev)
                }
            }
        } catch let e as EDNError {
            throw HistoryReadError(line: e.line, e.message)
        }
        let ops = try OperationAssembler().assemble(events)
        var history = History(operations: ops, format: .edn)
        history.suggestedModel = Models.guess(for: history)
        return history
    }

    private static func event(_ form: EDN, line: Int) throws -> HistoryEvent? {
        guard case .map = form else { throw HistoryReadError(line: line, "expected a map per operation event") }
        guard let processForm = form[keyword: "process"] else { throw HistoryReadError(line: line, "no :process") }
        guard case .int(let process) = processForm else { return nil }  // :nemesis and other non-clients
        guard case .keyword(let type)? = form[keyword: "type"], let kind = HistoryEvent.Kind(rawValue: type) else {
            throw HistoryReadError(line: line, ":type must be :invoke, :ok, :fail or :info")
        }
        let function: String
        switch form[keyword: "f"] {
        case .keyword(let f)?, .symbol(let f)?, .string(let f)?: function = f
        default: throw HistoryReadError(line: line, "no :f")
        }
        var key: String?
        switch form[keyword: "key"] {
        case nil, .null?: key = nil
        case .string(let k)?, .keyword(let k)?: key = k
        case .int(let k)?: key = String(k)
        default: throw HistoryReadError(line: line, ":key must be a string, keyword or integer")
        }
        var time: Int64?
        if case .int(let t)? = form[keyword: "time"] { time = t }
        var error: String?
        switch form[keyword: "error"] {
        case .string(let e)?, .keyword(let e)?: error = e
        case nil: break
        case let other?: error = "\(other)"
        }
        let value = try convert(form[keyword: "value"] ?? .null, line: line)
        return HistoryEvent(
            process: Int(clamping: process), kind: kind, function: function, key: key, value: value, time: time,
            node: nil, opID: nil, error: error, line: line)
    }

    static func convert(_ e: EDN, line: Int) throws -> Value {
        switch e {
        case .null: return .null
        case .bool(let b): return .bool(b)
        case .int(let i): return .int(i)
        case .string(let s): return .string(s)
        case .keyword(let k): return .string(":" + k)
        case .symbol(let s): return .string(s)
        case .double(let d): return .string(String(d))
        case .vector(let items), .list(let items), .set(let items):
            return .list(try items.map { try convert($0, line: line) })
        case .map: throw HistoryReadError(line: line, "a map as :value is not supported")
        }
    }
}
