/// A JSON reader for one history line at a time, at the byte level: a megabyte of JSON lines in a
/// few milliseconds, where JSONDecoder took most of a second. It reads JSON values into the
/// checker's `Value` (null, booleans, integers, strings, arrays); objects are only skipped.
struct JSONLineReader {
    struct Failure: Error {
        var column: Int
        var message: String
    }

    private let bytes: UnsafeBufferPointer<UInt8>
    private(set) var i: Int
    private let end: Int
    private let maxDepth = 64

    init(_ bytes: UnsafeBufferPointer<UInt8>, from start: Int, to end: Int) {
        self.bytes = bytes
        i = start
        self.end = end
        lineStart = start
    }

    private let lineStart: Int

    func fail(_ message: String) -> Failure { Failure(column: i - lineStart + 1, message: message) }

    var found: String {
        guard i < end else { return "the end of the line" }
        let c = bytes[i]
        return c >= 0x21 && c < 0x7F ? "'\(Character(UnicodeScalar(c)))'" : "byte 0x" + String(c, radix: 16)
    }

    mutating func skipSpace() {
        while i < end, bytes[i] == 32 || bytes[i] == 9 || bytes[i] == 13 || bytes[i] == 10 { i += 1 }
    }

    mutating func expect(_ c: UInt8) throws(Failure) {
        skipSpace()
        guard i < end, bytes[i] == c else { throw fail("expected '\(Character(UnicodeScalar(c)))', found \(found)") }
        i += 1
    }

    /// Calls `field` with each key of the object at the cursor; `field` must read or skip its value.
    mutating func object(_ field: (inout JSONLineReader, String) throws(Failure) -> Void) throws(Failure) {
        try expect(123)
        skipSpace()
        if i < end, bytes[i] == 125 {
            i += 1
            return
        }
        while true {
            skipSpace()
            guard i < end, bytes[i] == 34 else { throw fail("expected a field name in quotes, found \(found)") }
            let name = try string()
            try expect(58)
            skipSpace()
            try field(&self, name)
            skipSpace()
            guard i < end else { throw fail("expected ',' or '}', found the end of the line") }
            if bytes[i] == 44 {
                i += 1
                continue
            }
            if bytes[i] == 125 {
                i += 1
                return
            }
            throw fail("expected ',' or '}', found \(found)")
        }
    }

    /// What follows the object: only whitespace.
    mutating func expectEnd() throws(Failure) {
        skipSpace()
        if i < end { throw fail("expected the end of the line after the event, found \(found)") }
    }

    mutating func value(depth: Int = 0) throws(Failure) -> Value {
        guard depth < maxDepth else { throw fail("nesting deeper than \(maxDepth) levels") }
        skipSpace()
        guard i < end else { throw fail("expected a value, found the end of the line") }
        switch bytes[i] {
        case 34: return .string(try string())
        case 91:
            i += 1
            var items: [Value] = []
            skipSpace()
            if i < end, bytes[i] == 93 {
                i += 1
                return .list(items)
            }
            while true {
                items.append(try value(depth: depth + 1))
                skipSpace()
                guard i < end else { throw fail("expected ',' or ']', found the end of the line") }
                if bytes[i] == 44 {
                    i += 1
                } else if bytes[i] == 93 {
                    i += 1
                    return .list(items)
                } else {
                    throw fail("expected ',' or ']', found \(found)")
                }
            }
        case 123: throw fail("a value must be null, a boolean, an integer, a string or an array of those, not an object")
        case 116: return try word("true", .bool(true))
        case 102: return try word("false", .bool(false))
        case 110: return try word("null", .null)
        default: return .int(try integer())
        }
    }

    /// Skips any JSON value, objects included (fields the checker does not use).
    mutating func skipValue(depth: Int = 0) throws(Failure) {
        skipSpace()
        guard i < end, bytes[i] == 123 else {
            _ = try anyScalarOrArray(depth: depth)
            return
        }
        guard depth < maxDepth else { throw fail("nesting deeper than \(maxDepth) levels") }
        try object { (r, _) throws(Failure) in try r.skipValue(depth: depth + 1) }
    }

    private mutating func anyScalarOrArray(depth: Int) throws(Failure) {
        skipSpace()
        guard i < end else { throw fail("expected a value, found the end of the line") }
        let c = bytes[i]
        if c == 45 || (c >= 48 && c <= 57) {
            // Any JSON number, fractions and exponents included.
            i += 1
            while i < end, (bytes[i] >= 48 && bytes[i] <= 57) || bytes[i] == 46 || bytes[i] == 101 || bytes[i] == 69
                || bytes[i] == 43 || bytes[i] == 45
            { i += 1 }
            return
        }
        if c == 91 {
            i += 1
            skipSpace()
            if i < end, bytes[i] == 93 {
                i += 1
                return
            }
            while true {
                try skipValue(depth: depth + 1)
                skipSpace()
                guard i < end else { throw fail("expected ',' or ']', found the end of the line") }
                if bytes[i] == 44 { i += 1 } else if bytes[i] == 93 {
                    i += 1
                    return
                } else { throw fail("expected ',' or ']', found \(found)") }
            }
        }
        _ = try value(depth: depth)
    }

    private mutating func word(_ w: StaticString, _ v: Value) throws(Failure) -> Value {
        let n = w.utf8CodeUnitCount
        guard i + n <= end else { throw fail("expected a value, found \(found)") }
        let p = w.utf8Start
        for k in 0..<n where bytes[i + k] != p[k] { throw fail("expected a value, found \(found)") }
        i += n
        return v
    }

    mutating func integer() throws(Failure) -> Int64 {
        skipSpace()
        let start = i
        var negative = false
        if i < end, bytes[i] == 45 {
            negative = true
            i += 1
        }
        var v: Int64 = 0
        var digits = 0
        while i < end, bytes[i] >= 48 && bytes[i] <= 57 {
            let (m, o1) = v.multipliedReportingOverflow(by: 10)
            let (a, o2) = m.subtractingReportingOverflow(Int64(bytes[i] - 48))  // negative: reaches Int64.min
            if o1 || o2 {
                i = start
                throw fail("expected an integer that fits 64 bits")
            }
            v = a
            digits += 1
            i += 1
        }
        if digits == 0 {
            i = start
            throw fail("expected a value, found \(found)")
        }
        if i < end, bytes[i] == 46 || bytes[i] == 101 || bytes[i] == 69 {
            i = start
            throw fail("expected an integer, found a fraction or exponent")
        }
        if negative { return v }
        if v == .min {
            i = start
            throw fail("expected an integer that fits 64 bits")
        }
        return -v
    }

    mutating func string() throws(Failure) -> String {
        guard i < end, bytes[i] == 34 else { throw fail("expected a string, found \(found)") }
        i += 1
        let start = i
        while i < end, bytes[i] != 34, bytes[i] != 92 { i += 1 }
        if i < end, bytes[i] == 34 {
            let s = String(decoding: UnsafeBufferPointer(rebasing: bytes[start..<i]), as: UTF8.self)
            i += 1
            return s
        }
        var out = Array(bytes[start..<i])
        while i < end {
            let c = bytes[i]
            i += 1
            if c == 34 { return String(decoding: out, as: UTF8.self) }
            guard c == 92 else {
                out.append(c)
                continue
            }
            guard i < end else { break }
            let e = bytes[i]
            i += 1
            switch e {
            case 34, 92, 47: out.append(e)
            case 98: out.append(8)
            case 102: out.append(12)
            case 110: out.append(10)
            case 114: out.append(13)
            case 116: out.append(9)
            case 117:
                var scalar = try hex4()
                if scalar >= 0xD800 && scalar < 0xDC00, i + 1 < end, bytes[i] == 92, bytes[i + 1] == 117 {
                    i += 2
                    let low = try hex4()
                    scalar = 0x10000 + ((scalar - 0xD800) << 10) + (low &- 0xDC00)
                }
                guard let u = Unicode.Scalar(scalar) else { throw fail("expected a Unicode scalar after \\u") }
                out.append(contentsOf: Array(String(Character(u)).utf8))
            default:
                i -= 1
                throw fail("expected an escape (\\\" \\\\ \\/ \\b \\f \\n \\r \\t \\uXXXX), found \\\(Character(UnicodeScalar(e)))")
            }
        }
        throw fail("expected '\"' to close a string, found the end of the line")
    }

    private mutating func hex4() throws(Failure) -> UInt32 {
        guard i + 4 <= end else { throw fail("expected four hex digits after \\u") }
        var v: UInt32 = 0
        for _ in 0..<4 {
            let c = bytes[i]
            let d: UInt32
            switch c {
            case 48...57: d = UInt32(c - 48)
            case 97...102: d = UInt32(c - 87)
            case 65...70: d = UInt32(c - 55)
            default: throw fail("expected four hex digits after \\u")
            }
            v = v << 4 | d
            i += 1
        }
        return v
    }
}
