// A strict reader of Python literals, for pyraft's snapshot files (`checkpoint` writes
// `repr(data)`). It accepts only what `repr` produces for literal values — str, bytes, int,
// float, True/False/None, list, tuple, dict, set — and is never an evaluator: a name, a call
// (other than the `set()` that `repr` writes for an empty set) or an operator is an error
// naming its line and column.

public indirect enum PythonLiteral: Equatable, Sendable {
    /// A `str`, as UTF-8 bytes.
    case string([UInt8])
    case bytes([UInt8])
    /// An `int`, as written (Python ints are unbounded; the caller decides what fits).
    case integer(String)
    case float(Double)
    case bool(Bool)
    case none
    case list([PythonLiteral])
    case tuple([PythonLiteral])
    case set([PythonLiteral])
    /// Keys and values in file order.
    case dict([(PythonLiteral, PythonLiteral)])

    public static func == (a: PythonLiteral, b: PythonLiteral) -> Bool {
        switch (a, b) {
        case (.string(let x), .string(let y)), (.bytes(let x), .bytes(let y)): x == y
        case (.integer(let x), .integer(let y)): x == y
        case (.float(let x), .float(let y)): x == y || (x.isNaN && y.isNaN)
        case (.bool(let x), .bool(let y)): x == y
        case (.none, .none): true
        case (.list(let x), .list(let y)), (.tuple(let x), .tuple(let y)), (.set(let x), .set(let y)): x == y
        case (.dict(let x), .dict(let y)): x.count == y.count && zip(x, y).allSatisfy { $0.0 == $1.0 && $0.1 == $1.1 }
        default: false
        }
    }

    /// What the value is, in Python's words, for error messages.
    public var typeName: String {
        switch self {
        case .string: "str"
        case .bytes: "bytes"
        case .integer: "int"
        case .float: "float"
        case .bool: "bool"
        case .none: "None"
        case .list: "list"
        case .tuple: "tuple"
        case .set: "set"
        case .dict: "dict"
        }
    }
}

public struct PythonLiteralError: Error, Equatable, CustomStringConvertible, Sendable {
    public let line: Int
    public let column: Int
    public let message: String
    public var description: String { "line \(line), column \(column): \(message)" }
}

public struct PythonLiteralParser {
    private let text: [UInt8]
    private var at = 0
    /// Nesting bound: deep enough for any pyraft tree, far from the stack's limit.
    public static let maxDepth = 512

    public init(_ text: [UInt8]) { self.text = text }

    /// Parses exactly one literal; only whitespace may follow it.
    public static func parse(_ text: [UInt8]) throws(PythonLiteralError) -> PythonLiteral {
        var p = PythonLiteralParser(text)
        let value = try p.value(depth: 0)
        p.skipSpace()
        if p.at < p.text.count { throw p.error("unexpected text after the literal") }
        return value
    }

    private mutating func value(depth: Int) throws(PythonLiteralError) -> PythonLiteral {
        guard depth < Self.maxDepth else { throw error("nested deeper than \(Self.maxDepth) levels") }
        skipSpace()
        guard at < text.count else { throw error("expected a value, found the end of the file") }
        switch text[at] {
        case UInt8(ascii: "{"): return try braced(depth: depth)
        case UInt8(ascii: "["):
            at += 1
            return .list(try sequence(until: UInt8(ascii: "]"), depth: depth).items)
        case UInt8(ascii: "("):
            at += 1
            let (items, trailingComma) = try sequence(until: UInt8(ascii: ")"), depth: depth)
            // `(x)` is x in parentheses; `(x,)` and `()` are tuples.
            if items.count == 1 && !trailingComma { return items[0] }
            return .tuple(items)
        case UInt8(ascii: "'"), UInt8(ascii: "\""): return .string(try quoted())
        case UInt8(ascii: "b") where next(is: "'") || next(is: "\""):
            at += 1
            return .bytes(try quoted(bytes: true))
        case UInt8(ascii: "-"), UInt8(ascii: "+"), UInt8(ascii: "0")...UInt8(ascii: "9"), UInt8(ascii: "."):
            return try number()
        default:
            let start = at
            while at < text.count, isNameByte(text[at]) { at += 1 }
            let word = String(decoding: text[start..<at], as: UTF8.self)
            switch word {
            case "True": return .bool(true)
            case "False": return .bool(false)
            case "None": return .none
            case "set" where consume("()"): return .set([])
            case "": at = start; throw error("unexpected character \(describe(text[at]))")
            default: at = start; throw error("'\(word)' is not a literal (names and calls are never evaluated)")
            }
        }
    }

    /// `{}` is an empty dict; `{k: v, ...}` a dict; `{a, b}` a set.
    private mutating func braced(depth: Int) throws(PythonLiteralError) -> PythonLiteral {
        at += 1
        skipSpace()
        if consume("}") { return .dict([]) }
        let first = try value(depth: depth + 1)
        skipSpace()
        if consume(":") {
            var pairs = [(first, try value(depth: depth + 1))]
            while true {
                skipSpace()
                if consume("}") { return .dict(pairs) }
                guard consume(",") else { throw error("expected ',' or '}' in a dict") }
                skipSpace()
                if consume("}") { return .dict(pairs) }
                let k = try value(depth: depth + 1)
                skipSpace()
                guard consume(":") else { throw error("expected ':' after a dict key") }
                pairs.append((k, try value(depth: depth + 1)))
            }
        }
        var items = [first]
        while true {
            skipSpace()
            if consume("}") { return .set(items) }
            guard consume(",") else { throw error("expected ',' or '}' in a set") }
            skipSpace()
            if consume("}") { return .set(items) }
            items.append(try value(depth: depth + 1))
        }
    }

    private mutating func sequence(until close: UInt8, depth: Int) throws(PythonLiteralError) -> (items: [PythonLiteral], trailingComma: Bool) {
        var items: [PythonLiteral] = []
        var trailingComma = false
        while true {
            skipSpace()
            if at < text.count, text[at] == close { at += 1; return (items, trailingComma) }
            if !items.isEmpty {
                guard at < text.count, text[at] == UInt8(ascii: ",") else {
                    throw error("expected ',' or '\(Character(Unicode.Scalar(close)))'")
                }
                at += 1
                trailingComma = true
                skipSpace()
                if at < text.count, text[at] == close { at += 1; return (items, trailingComma) }
            }
            items.append(try value(depth: depth + 1))
            trailingComma = false
        }
    }

    private mutating func number() throws(PythonLiteralError) -> PythonLiteral {
        let start = at
        if text[at] == UInt8(ascii: "-") || text[at] == UInt8(ascii: "+") { at += 1 }
        var isFloat = false
        while at < text.count {
            let c = text[at]
            if c >= UInt8(ascii: "0") && c <= UInt8(ascii: "9") || c == UInt8(ascii: "_") {
                at += 1
            } else if c == UInt8(ascii: ".") || c == UInt8(ascii: "e") || c == UInt8(ascii: "E") {
                isFloat = true
                at += 1
                if (c == UInt8(ascii: "e") || c == UInt8(ascii: "E")), at < text.count,
                   text[at] == UInt8(ascii: "-") || text[at] == UInt8(ascii: "+") { at += 1 }
            } else {
                break
            }
        }
        let literal = String(decoding: text[start..<at], as: UTF8.self).replacingUnderscores()
        if isFloat {
            guard let d = Double(literal), d.isFinite else { at = start; throw error("'\(literal)' is not a number") }
            return .float(d)
        }
        let digits = literal.drop { $0 == "-" || $0 == "+" }
        guard !digits.isEmpty, digits.allSatisfy(\.isASCIIDigit) else { at = start; throw error("'\(literal)' is not a number") }
        return .integer(literal.hasPrefix("+") ? String(literal.dropFirst()) : literal)
    }

    /// A quoted string at `at` (single, double or triple quotes), escapes decoded.
    private mutating func quoted(bytes: Bool = false) throws(PythonLiteralError) -> [UInt8] {
        let quote = text[at]
        let triple = at + 2 < text.count && text[at + 1] == quote && text[at + 2] == quote
        at += triple ? 3 : 1
        var out: [UInt8] = []
        while true {
            guard at < text.count else { throw error("a string is not closed") }
            let c = text[at]
            if c == quote {
                if !triple { at += 1; return out }
                if at + 2 < text.count, text[at + 1] == quote, text[at + 2] == quote { at += 3; return out }
                out.append(c)
                at += 1
            } else if c == UInt8(ascii: "\\") {
                try escape(into: &out, bytes: bytes)
            } else if c == UInt8(ascii: "\n") && !triple {
                throw error("a string is not closed before the end of the line")
            } else {
                if bytes && c >= 0x80 { throw error("a bytes literal holds only ASCII characters") }
                out.append(c)
                at += 1
            }
        }
    }

    private mutating func escape(into out: inout [UInt8], bytes: Bool) throws(PythonLiteralError) {
        at += 1
        guard at < text.count else { throw error("a string is not closed") }
        let c = text[at]
        at += 1
        switch c {
        case UInt8(ascii: "\n"): break  // line continuation
        case UInt8(ascii: "\\"), UInt8(ascii: "'"), UInt8(ascii: "\""): out.append(c)
        case UInt8(ascii: "n"): out.append(0x0A)
        case UInt8(ascii: "r"): out.append(0x0D)
        case UInt8(ascii: "t"): out.append(0x09)
        case UInt8(ascii: "a"): out.append(0x07)
        case UInt8(ascii: "b"): out.append(0x08)
        case UInt8(ascii: "f"): out.append(0x0C)
        case UInt8(ascii: "v"): out.append(0x0B)
        case UInt8(ascii: "0")...UInt8(ascii: "7"):
            var v = UInt32(c - UInt8(ascii: "0"))
            var n = 1
            while n < 3, at < text.count, text[at] >= UInt8(ascii: "0"), text[at] <= UInt8(ascii: "7") {
                v = v * 8 + UInt32(text[at] - UInt8(ascii: "0"))
                at += 1
                n += 1
            }
            try appendCodePoint(v, into: &out, bytes: bytes)
        case UInt8(ascii: "x"): try appendCodePoint(try hex(2), into: &out, bytes: bytes)
        case UInt8(ascii: "u") where !bytes: try appendCodePoint(try hex(4), into: &out, bytes: false)
        case UInt8(ascii: "U") where !bytes: try appendCodePoint(try hex(8), into: &out, bytes: false)
        default:
            // Python keeps an unknown escape as written (backslash included).
            out.append(UInt8(ascii: "\\"))
            out.append(c)
        }
    }

    /// In a str, a code point becomes its UTF-8; in bytes, \xNN and octal are the byte itself.
    private mutating func appendCodePoint(_ v: UInt32, into out: inout [UInt8], bytes: Bool) throws(PythonLiteralError) {
        if bytes {
            guard v <= 0xFF else { throw error("escape out of range in a bytes literal") }
            out.append(UInt8(v))
            return
        }
        guard let scalar = Unicode.Scalar(v) else { throw error("escape \\u\(String(v, radix: 16)) is not a Unicode scalar") }
        out.append(contentsOf: Array(String(Character(scalar)).utf8))
    }

    private mutating func hex(_ count: Int) throws(PythonLiteralError) -> UInt32 {
        guard at + count <= text.count else { throw error("escape needs \(count) hex digits") }
        var v: UInt32 = 0
        for _ in 0..<count {
            guard let d = Character(Unicode.Scalar(text[at])).hexDigitValue else { throw error("escape needs \(count) hex digits") }
            v = v * 16 + UInt32(d)
            at += 1
        }
        return v
    }

    private mutating func skipSpace() {
        while at < text.count {
            switch text[at] {
            case UInt8(ascii: " "), UInt8(ascii: "\t"), UInt8(ascii: "\n"), UInt8(ascii: "\r"): at += 1
            default: return
            }
        }
    }

    private mutating func consume(_ s: String) -> Bool {
        let u = Array(s.utf8)
        guard at + u.count <= text.count, Array(text[at..<(at + u.count)]) == u else { return false }
        at += u.count
        return true
    }

    private func next(is s: Character) -> Bool { at + 1 < text.count && text[at + 1] == s.asciiValue! }
    private func isNameByte(_ c: UInt8) -> Bool {
        (c >= UInt8(ascii: "a") && c <= UInt8(ascii: "z")) || (c >= UInt8(ascii: "A") && c <= UInt8(ascii: "Z"))
            || (c >= UInt8(ascii: "0") && c <= UInt8(ascii: "9")) || c == UInt8(ascii: "_") || c == UInt8(ascii: ".")
    }
    private func describe(_ c: UInt8) -> String {
        c >= 0x20 && c < 0x7F ? "'\(Character(Unicode.Scalar(c)))'" : "byte 0x\(String(c, radix: 16))"
    }

    private func error(_ message: String) -> PythonLiteralError {
        var line = 1
        var column = 1
        for c in text[..<min(at, text.count)] {
            if c == UInt8(ascii: "\n") { line += 1; column = 1 } else if c & 0xC0 != 0x80 { column += 1 }
        }
        return PythonLiteralError(line: line, column: column, message: message)
    }
}

private extension String {
    func replacingUnderscores() -> String { String(filter { $0 != "_" }) }
}

private extension Character {
    var isASCIIDigit: Bool { isASCII && isNumber }
}
