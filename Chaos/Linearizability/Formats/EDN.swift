/// The subset of EDN that Jepsen writes: maps, vectors, lists, sets, keywords, symbols, strings,
/// integers, floats, booleans and nil, with commas as whitespace and `;` comments.
/// Tagged literals (`#inst "..."`) are read as their value.
enum EDN: Hashable {
    case null
    case bool(Bool)
    case int(Int64)
    case double(Double)
    case string(String)
    case keyword(String)
    case symbol(String)
    case vector([EDN])
    case list([EDN])
    case set([EDN])
    case map([(EDN, EDN)])

    static func == (a: EDN, b: EDN) -> Bool {
        switch (a, b) {
        case (.null, .null): return true
        case (.bool(let x), .bool(let y)): return x == y
        case (.int(let x), .int(let y)): return x == y
        case (.double(let x), .double(let y)): return x == y
        case (.string(let x), .string(let y)), (.keyword(let x), .keyword(let y)), (.symbol(let x), .symbol(let y)):
            return x == y
        case (.vector(let x), .vector(let y)), (.list(let x), .list(let y)), (.set(let x), .set(let y)): return x == y
        case (.map(let x), .map(let y)):
            return x.count == y.count && zip(x, y).allSatisfy { $0.0 == $1.0 && $0.1 == $1.1 }
        default: return false
        }
    }

    func hash(into h: inout Hasher) { h.combine(String(describing: self)) }

    /// The value under keyword `name` in a map.
    subscript(keyword name: String) -> EDN? {
        guard case .map(let pairs) = self else { return nil }
        for (k, v) in pairs where k == .keyword(name) { return v }
        return nil
    }
}

struct EDNError: Error, CustomStringConvertible {
    var line: Int
    var message: String
    var description: String { "line \(line): \(message)" }
}

/// Reads top-level EDN forms one after another; each form may span lines.
struct EDNReader {
    private let bytes: [UInt8]
    private var i = 0
    private(set) var line = 1
    private let maxDepth = 64

    init(_ bytes: [UInt8]) { self.bytes = bytes }

    /// The next top-level form and the line it starts on, or nil at the end of input.
    mutating func nextForm() throws -> (EDN, Int)? {
        skipSpace()
        guard i < bytes.count else { return nil }
        let start = line
        return (try form(depth: 0), start)
    }

    private mutating func skipSpace() {
        while i < bytes.count {
            let c = bytes[i]
            if c == UInt8(ascii: "\n") { line += 1; i += 1 }
            else if c == 32 || c == 9 || c == 13 || c == UInt8(ascii: ",") { i += 1 }
            else if c == UInt8(ascii: ";") { while i < bytes.count && bytes[i] != UInt8(ascii: "\n") { i += 1 } }
            else { return }
        }
    }

    private func fail(_ message: String) -> EDNError { EDNError(line: line, message: message) }

    private mutating func form(depth: Int) throws -> EDN {
        guard depth < maxDepth else { throw fail("nesting deeper than \(maxDepth)") }
        skipSpace()
        guard i < bytes.count else { throw fail("unexpected end of input") }
        let c = bytes[i]
        switch c {
        case UInt8(ascii: "{"):
            i += 1
            let items = try sequence(until: UInt8(ascii: "}"), depth: depth)
            guard items.count % 2 == 0 else { throw fail("a map needs an even number of forms") }
            return .map(stride(from: 0, to: items.count, by: 2).map { (items[$0], items[$0 + 1]) })
        case UInt8(ascii: "["):
            i += 1
            return .vector(try sequence(until: UInt8(ascii: "]"), depth: depth))
        case UInt8(ascii: "("):
            i += 1
            return .list(try sequence(until: UInt8(ascii: ")"), depth: depth))
        case UInt8(ascii: "\""):
            return .string(try string())
        case UInt8(ascii: "#"):
            i += 1
            guard i < bytes.count else { throw fail("unexpected end of input after #") }
            if bytes[i] == UInt8(ascii: "{") {
                i += 1
                return .set(try sequence(until: UInt8(ascii: "}"), depth: depth))
            }
            if bytes[i] == UInt8(ascii: "_") {  // discard the next form
                i += 1
                _ = try form(depth: depth + 1)
                return try form(depth: depth)
            }
            _ = token()  // a tag such as #inst: keep the tagged value
            return try form(depth: depth + 1)
        case UInt8(ascii: "}"), UInt8(ascii: "]"), UInt8(ascii: ")"):
            throw fail("unexpected '\(Character(UnicodeScalar(c)))'")
        default:
            return try atom()
        }
    }

    private mutating func sequence(until close: UInt8, depth: Int) throws -> [EDN] {
        var items: [EDN] = []
        while true {
            skipSpace()
            guard i < bytes.count else { throw fail("unterminated collection (missing '\(Character(UnicodeScalar(close)))')") }
            if bytes[i] == close { i += 1; return items }
            items.append(try form(depth: depth + 1))
        }
    }

    private mutating func string() throws -> String {
        i += 1
        var out: [UInt8] = []
        while i < bytes.count {
            let c = bytes[i]
            i += 1
            if c == UInt8(ascii: "\"") { return String(decoding: out, as: UTF8.self) }
            if c == UInt8(ascii: "\n") { line += 1 }
            if c == UInt8(ascii: "\\") {
                guard i < bytes.count else { break }
                let e = bytes[i]
                i += 1
                switch e {
                case UInt8(ascii: "n"): out.append(10)
                case UInt8(ascii: "t"): out.append(9)
                case UInt8(ascii: "r"): out.append(13)
                default: out.append(e)
                }
            } else {
                out.append(c)
            }
        }
        throw fail("unterminated string")
    }

    private mutating func token() -> String {
        let start = i
        while i < bytes.count {
            let c = bytes[i]
            if c == 32 || c == 9 || c == 10 || c == 13 || c == UInt8(ascii: ",") || c == UInt8(ascii: "{")
                || c == UInt8(ascii: "}") || c == UInt8(ascii: "[") || c == UInt8(ascii: "]")
                || c == UInt8(ascii: "(") || c == UInt8(ascii: ")") || c == UInt8(ascii: "\"") || c == UInt8(ascii: ";")
            { break }
            i += 1
        }
        return String(decoding: bytes[start..<i], as: UTF8.self)
    }

    private mutating func atom() throws -> EDN {
        let t = token()
        if t.isEmpty { throw fail("unexpected character") }
        if t.hasPrefix(":") {
            guard t.count > 1 else { throw fail("empty keyword") }
            return .keyword(String(t.dropFirst()))
        }
        switch t {
        case "nil": return .null
        case "true": return .bool(true)
        case "false": return .bool(false)
        default: break
        }
        let first = t.first!
        if first.isNumber || ((first == "-" || first == "+") && t.count > 1 && t.dropFirst().first!.isNumber) {
            var digits = Substring(t)
            if digits.hasSuffix("N") { digits = digits.dropLast() }
            if let v = Int64(digits) { return .int(v) }
            var d = Substring(t)
            if d.hasSuffix("M") { d = d.dropLast() }
            if let v = Double(d) { return .double(v) }
            throw fail("bad number '\(t)'")
        }
        return .symbol(t)
    }
}
