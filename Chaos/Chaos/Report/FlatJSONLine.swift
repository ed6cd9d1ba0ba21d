/// Walks the top level of one JSON object line without building anything: each field's key and
/// value come back as byte ranges of the line, to be turned into numbers or text only when
/// needed. This keeps the report's reading of a history of a few hundred thousand operations to
/// seconds, where a decoder building a dictionary of strings per line took a minute.
enum FlatJSONLine {
    enum Kind { case string, number, literal, nested }

    /// A value's bytes: for a string, between the quotes (still escaped; `escaped` says so).
    struct Span {
        var kind: Kind
        var range: Range<Int>
        var escaped: Bool
    }

    /// The top-level keys and values of one line, in order: call `next()` until it returns nil,
    /// then `isValid` says whether the line was exactly one JSON object.
    struct Fields {
        private var p: Parser
        private var started = false
        private(set) var isValid = false
        private var finished = false

        init(_ bytes: UnsafeBufferPointer<UInt8>, in line: Range<Int>) {
            p = Parser(bytes: bytes, i: line.lowerBound, end: line.upperBound)
        }

        mutating func next() -> (key: Range<Int>, value: Span)? {
            guard !finished else { return nil }
            if !started {
                started = true
                p.ws()
                guard p.i < p.end, p.bytes[p.i] == UInt8(ascii: "{") else { return stop(valid: false) }
                p.i += 1
                p.ws()
                if p.i < p.end, p.bytes[p.i] == UInt8(ascii: "}") {
                    p.i += 1
                    return stop(valid: p.atEnd())
                }
            } else {
                p.ws()
                guard p.i < p.end else { return stop(valid: false) }
                if p.bytes[p.i] == UInt8(ascii: "}") {
                    p.i += 1
                    return stop(valid: p.atEnd())
                }
                guard p.bytes[p.i] == UInt8(ascii: ",") else { return stop(valid: false) }
                p.i += 1
            }
            p.ws()
            guard let key = p.string() else { return stop(valid: false) }
            p.ws()
            guard p.i < p.end, p.bytes[p.i] == UInt8(ascii: ":") else { return stop(valid: false) }
            p.i += 1
            p.ws()
            guard let v = p.value() else { return stop(valid: false) }
            return (key.range, v)
        }

        private mutating func stop(valid: Bool) -> (key: Range<Int>, value: Span)? {
            finished = true
            isValid = valid
            return nil
        }
    }

    /// A span's text (strings unescaped).
    static func text(_ bytes: UnsafeBufferPointer<UInt8>, _ span: Span) -> String {
        let slice = UnsafeBufferPointer(rebasing: bytes[span.range])
        guard span.kind == .string, span.escaped else { return String(decoding: slice, as: UTF8.self) }
        return unescape(Array(slice)[...])
    }

    /// An unsigned integer's value, or nil.
    static func unsigned(_ bytes: UnsafeBufferPointer<UInt8>, _ span: Span) -> UInt64? {
        guard span.kind == .number, !span.range.isEmpty else { return nil }
        var v: UInt64 = 0
        for i in span.range {
            let d = bytes[i] &- 0x30
            guard d < 10 else { return nil }
            let (m, o1) = v.multipliedReportingOverflow(by: 10)
            let (s, o2) = m.addingReportingOverflow(UInt64(d))
            guard !o1 && !o2 else { return nil }
            v = s
        }
        return v
    }

    static func equals(_ bytes: UnsafeBufferPointer<UInt8>, _ range: Range<Int>, _ word: StaticString) -> Bool {
        guard range.count == word.utf8CodeUnitCount else { return false }
        return word.withUTF8Buffer { w in
            var j = 0
            for i in range {
                if bytes[i] != w[j] { return false }
                j += 1
            }
            return true
        }
    }

    fileprivate struct Parser {
        let bytes: UnsafeBufferPointer<UInt8>
        var i: Int
        let end: Int

        mutating func ws() {
            while i < end, bytes[i] == 0x20 || bytes[i] == 0x09 || bytes[i] == 0x0D || bytes[i] == 0x0A { i += 1 }
        }

        mutating func atEnd() -> Bool {
            ws()
            return i == end
        }

        mutating func value() -> Span? {
            guard i < end else { return nil }
            switch bytes[i] {
            case UInt8(ascii: "\""): return string()
            case UInt8(ascii: "t"): return literal(4)
            case UInt8(ascii: "n"): return literal(4)
            case UInt8(ascii: "f"): return literal(5)
            case UInt8(ascii: "["), UInt8(ascii: "{"): return nested()
            default:
                let start = i
                while i < end, bytes[i] == UInt8(ascii: "-") || bytes[i] == UInt8(ascii: "+") || bytes[i] == UInt8(ascii: ".")
                    || bytes[i] == UInt8(ascii: "e") || bytes[i] == UInt8(ascii: "E") || (bytes[i] >= 0x30 && bytes[i] <= 0x39)
                {
                    i += 1
                }
                return i > start ? Span(kind: .number, range: start..<i, escaped: false) : nil
            }
        }

        mutating func literal(_ length: Int) -> Span? {
            let start = i
            guard end - i >= length else { return nil }
            let b = bytes[i + 1]  // r, u, a: true, null, false
            guard (length == 4 && (b == UInt8(ascii: "r") || b == UInt8(ascii: "u"))) || (length == 5 && b == UInt8(ascii: "a")) else { return nil }
            i += length
            return Span(kind: .literal, range: start..<i, escaped: false)
        }

        /// An array or object, skipped with strings respected.
        mutating func nested() -> Span? {
            let start = i
            var depth = 0
            while i < end {
                let b = bytes[i]
                if b == UInt8(ascii: "\"") {
                    guard string() != nil else { return nil }
                    continue
                }
                if b == UInt8(ascii: "[") || b == UInt8(ascii: "{") { depth += 1 }
                if b == UInt8(ascii: "]") || b == UInt8(ascii: "}") {
                    depth -= 1
                    if depth == 0 {
                        i += 1
                        return Span(kind: .nested, range: start..<i, escaped: false)
                    }
                }
                i += 1
            }
            return nil
        }

        mutating func string() -> Span? {
            guard i < end, bytes[i] == UInt8(ascii: "\"") else { return nil }
            i += 1
            let start = i
            var escaped = false
            while i < end, bytes[i] != UInt8(ascii: "\"") {
                if bytes[i] == UInt8(ascii: "\\") {
                    escaped = true
                    i += 1
                }
                i += 1
            }
            guard i < end else { return nil }
            let span = Span(kind: .string, range: start..<i, escaped: escaped)
            i += 1
            return span
        }
    }

    static func unescape(_ body: ArraySlice<UInt8>) -> String {
        var out = String.UnicodeScalarView()
        var utf8: [UInt8] = []
        func flush() {
            if !utf8.isEmpty {
                out.append(contentsOf: String(decoding: utf8, as: UTF8.self).unicodeScalars)
                utf8 = []
            }
        }
        var j = body.startIndex
        while j < body.endIndex {
            let b = body[j]
            guard b == UInt8(ascii: "\\"), j + 1 < body.endIndex else {
                utf8.append(b)
                j += 1
                continue
            }
            flush()
            let e = body[j + 1]
            j += 2
            switch e {
            case UInt8(ascii: "n"): out.append("\n")
            case UInt8(ascii: "t"): out.append("\t")
            case UInt8(ascii: "r"): out.append("\r")
            case UInt8(ascii: "b"): out.append("\u{8}")
            case UInt8(ascii: "f"): out.append("\u{C}")
            case UInt8(ascii: "u"):
                if j + 4 <= body.endIndex, let v = UInt32(String(decoding: body[j..<(j + 4)], as: UTF8.self), radix: 16) {
                    out.append(Unicode.Scalar(v) ?? "\u{FFFD}")
                    j += 4
                }
            default: out.append(Unicode.Scalar(e))
            }
        }
        flush()
        return String(out)
    }
}
