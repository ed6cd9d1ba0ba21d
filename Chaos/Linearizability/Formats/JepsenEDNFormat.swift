/// Jepsen histories in EDN: one map per event (`:process`, `:type`, `:f`, `:value`, optional
/// `:key`, `:time`, `:error`; `:index` and any other field are skipped), one per line or spread
/// over lines, as a bare sequence of maps or inside one vector or list, each map optionally tagged
/// (`#jepsen.history.Op{...}`, Jepsen 0.3). Events of non-client processes (`:nemesis`, any
/// keyword) are not operations.
///
/// The reader walks each event map field by field and builds only the fields it uses; the rest are
/// syntax-checked and skipped, so a history costs about one pass over its bytes.
enum JepsenEDNFormat {
    static func parse(_ bytes: [UInt8]) throws -> History {
        var reader = EDNReader(bytes)
        var events: [HistoryEvent] = []
        do {
            try reader.skipIgnorable(depth: 0)
            while !reader.atEnd {
                let c = reader.bytes[reader.i]
                if c == UInt8(ascii: "[") || c == UInt8(ascii: "(") {
                    // One collection holding the whole history.
                    let close = c == UInt8(ascii: "[") ? UInt8(ascii: "]") : UInt8(ascii: ")")
                    reader.advance()
                    while true {
                        try reader.skipIgnorable(depth: 1)
                        guard !reader.atEnd else {
                            throw reader.fail("expected '\(Character(UnicodeScalar(close)))' to close the history, found the end of the input")
                        }
                        if reader.bytes[reader.i] == close {
                            reader.advance()
                            break
                        }
                        if let ev = try event(&reader, depth: 1) { events.append(ev) }
                    }
                } else if let ev = try event(&reader, depth: 0) {
                    events.append(ev)
                }
                try reader.skipIgnorable(depth: 0)
            }
        } catch let e as EDNError {
            throw HistoryReadError(line: e.line, column: e.column, e.message)
        }
        let (ops, aborted) = try OperationAssembler().assembleKeepingAborted(events)
        var history = History(operations: ops, format: .edn)
        history.aborted = aborted
        history.suggestedModel = Models.guess(for: history)
        return history
    }

    /// The fields an event map may carry that the reader uses.
    private enum Field { case process, type, f, value, key, time, error, other }

    private static func field(_ bytes: [UInt8], _ r: Range<Int>) -> Field {
        @inline(__always) func its(_ name: StaticString) -> Bool {
            guard name.utf8CodeUnitCount == r.count else { return false }
            return name.withUTF8Buffer { n in
                var k = 0
                while k < n.count {
                    if n[k] != bytes[r.lowerBound + k] { return false }
                    k += 1
                }
                return true
            }
        }
        switch r.count {
        case 1: return its("f") ? .f : .other
        case 3: return its("key") ? .key : .other
        case 4: return its("type") ? .type : its("time") ? .time : .other
        case 5: return its("value") ? .value : its("error") ? .error : .other
        case 7: return its("process") ? .process : .other
        default: return .other
        }
    }

    /// One event map at the cursor; nil for a non-client process.
    private static func event(_ r: inout EDNReader, depth: Int) throws -> HistoryEvent? {
        try r.skipTags(depth: depth)
        let line = r.line
        guard !r.atEnd, r.bytes[r.i] == UInt8(ascii: "{") else {
            throw r.fail("expected a map per operation event ({:process .., :type .., :f .., :value ..}), found \(r.found)")
        }
        r.advance()
        var process: EDN?, type: EDN?, f: EDN?, value: EDN = .null, key: EDN?, time: EDN?, error: EDN?
        while true {
            try r.skipIgnorable(depth: depth + 1)
            guard !r.atEnd else { throw r.fail("expected '}' to close the event map that starts on line \(line), found the end of the input") }
            if r.bytes[r.i] == UInt8(ascii: "}") {
                r.advance()
                break
            }
            let which: Field
            if let name = try r.keywordRange() {
                which = field(r.bytes, name)
            } else {
                try r.skipForm(depth: depth + 2)
                which = .other
            }
            try r.skipIgnorable(depth: depth + 1)
            guard !r.atEnd, r.bytes[r.i] != UInt8(ascii: "}") else {
                throw r.fail("expected a value for the map key, found \(r.found)")
            }
            switch which {
            case .process: process = try r.form(depth: depth + 2)
            case .type: type = try r.form(depth: depth + 2)
            case .f: f = try r.form(depth: depth + 2)
            case .value: value = try r.form(depth: depth + 2)
            case .key: key = try r.form(depth: depth + 2)
            case .time: time = try r.form(depth: depth + 2)
            case .error: error = try r.form(depth: depth + 2)
            case .other: try r.skipForm(depth: depth + 2)
            }
        }
        guard let process else { throw HistoryReadError(line: line, "no :process in this event") }
        guard case .int(let processID) = process else { return nil }  // :nemesis and other non-clients
        guard case .keyword(let typeName)? = type, let kind = HistoryEvent.Kind(rawValue: typeName) else {
            throw HistoryReadError(line: line, ":type must be :invoke, :ok, :fail or :info")
        }
        let function: String
        switch f {
        case .keyword(let name)?, .symbol(let name)?, .string(let name)?: function = name
        default: throw HistoryReadError(line: line, "no :f (the function) in this event")
        }
        var keyText: String?
        switch key {
        case nil, .null?: keyText = nil
        case .string(let k)?, .keyword(let k)?: keyText = k
        case .int(let k)?: keyText = String(k)
        default: throw HistoryReadError(line: line, ":key must be a string, keyword or integer")
        }
        var clock: Int64?
        if case .int(let t)? = time { clock = t }
        var errorText: String?
        switch error {
        case .string(let e)?, .keyword(let e)?: errorText = e
        case nil: break
        case let other?: errorText = "\(other)"
        }
        return HistoryEvent(
            process: Int(clamping: processID), kind: kind, function: function, key: keyText,
            value: try convert(value, line: line), time: clock, node: nil, opID: nil, error: errorText, line: line)
    }

    /// EDN to the checker's values: keywords keep their colon (`:append`), characters, doubles,
    /// big integers and ratios become strings, maps become lists of [key value] pairs.
    static func convert(_ e: EDN, line: Int) throws -> Value {
        switch e {
        case .null: return .null
        case .bool(let b): return .bool(b)
        case .int(let i): return .int(i)
        case .string(let s), .char(let s), .exact(let s), .symbol(let s): return .string(s)
        case .keyword(let k): return .string(":" + k)
        case .double(let d): return .string(String(d))
        case .vector(let items), .list(let items), .set(let items):
            return .list(try items.map { try convert($0, line: line) })
        case .map(let pairs):
            return .list(try pairs.map { .list([try convert($0.0, line: line), try convert($0.1, line: line)]) })
        }
    }
}

extension EDNReader {
    mutating func advance() { skipBytes(1) }

    /// Skips `#tag` prefixes (a record's class, `#inst`) and `^meta` before a form.
    mutating func skipTags(depth: Int) throws {
        while true {
            try skipIgnorable(depth: depth)
            guard !atEnd else { return }
            let c = bytes[i]
            if c == UInt8(ascii: "^") {
                skipBytes(1)
                try skipForm(depth: depth + 1)
                continue
            }
            guard c == UInt8(ascii: "#"), i + 1 < bytes.count else { return }
            let n = bytes[i + 1]
            guard (n >= 65 && n <= 90) || (n >= 97 && n <= 122) else { return }
            skipBytes(1)
            _ = symbolRange()
        }
    }
}
