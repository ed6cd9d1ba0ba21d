/// EDN as Jepsen and Knossos write it (and Clojure's printer around them): maps, vectors, lists,
/// sets, keywords (namespaced too), symbols, strings with every escape, characters, integers (big
/// ones too), ratios, floats, booleans and nil; commas as whitespace, `;` and `#!` comments,
/// `#_` discards, `^meta` (dropped), `##Inf`/`##NaN`, namespaced maps (`#:ns{...}`) and tagged
/// literals (`#inst "..."`, `#jepsen.history.Op{...}`), read as their value.
enum EDN: Equatable {
    case null
    case bool(Bool)
    case int(Int64)
    case double(Double)
    /// A number with no Int64 or Double form worth keeping: a big integer (`123...N`) or a ratio
    /// (`1/3`), in its written form.
    case exact(String)
    case string(String)
    case char(String)
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
        case (.string(let x), .string(let y)), (.keyword(let x), .keyword(let y)), (.symbol(let x), .symbol(let y)),
            (.exact(let x), .exact(let y)), (.char(let x), .char(let y)):
            return x == y
        case (.vector(let x), .vector(let y)), (.list(let x), .list(let y)), (.set(let x), .set(let y)): return x == y
        case (.map(let x), .map(let y)):
            return x.count == y.count && zip(x, y).allSatisfy { $0.0 == $1.0 && $0.1 == $1.1 }
        default: return false
        }
    }

    /// The value under keyword `name` in a map.
    subscript(keyword name: String) -> EDN? {
        guard case .map(let pairs) = self else { return nil }
        for (k, v) in pairs {
            if case .keyword(let s) = k, s == name { return v }
        }
        return nil
    }
}

/// Where and why EDN could not be read: the line and column (both from 1) of the offending byte.
struct EDNError: Error, CustomStringConvertible {
    var line: Int
    var column: Int
    var message: String
    var description: String { "line \(line), column \(column): \(message)" }
}

/// Reads top-level EDN forms one after another; each form may span lines.
///
/// Byte-level and allocation-light: a form is built only where it is asked for, and `skipForm`
/// checks the syntax of a form it does not need without building it (the history readers skip
/// `:time`-like fields they ignore that way).
struct EDNReader {
    let bytes: [UInt8]
    private(set) var i = 0
    private(set) var line = 1
    /// Index of the first byte of the current line, for columns.
    private var lineStart = 0
    private let maxDepth = 64

    init(_ bytes: [UInt8]) { self.bytes = bytes }

    var column: Int { i - lineStart + 1 }
    var atEnd: Bool { i >= bytes.count }

    /// The next top-level form and the line it starts on, or nil at the end of input.
    mutating func nextForm() throws -> (EDN, Int)? {
        try skipIgnorable(depth: 0)
        guard i < bytes.count else { return nil }
        let start = line
        return (try form(depth: 0), start)
    }

    func fail(_ message: String) -> EDNError { EDNError(line: line, column: column, message: message) }

    /// What stands at the cursor, for messages.
    var found: String {
        guard i < bytes.count else { return "the end of the input" }
        let c = bytes[i]
        if c >= 0x21 && c < 0x7F { return "'\(Character(UnicodeScalar(c)))'" }
        return "byte 0x" + String(c, radix: 16)
    }

    // MARK: whitespace, comments, discards

    @inline(__always) static func isSpace(_ c: UInt8) -> Bool {
        c == 32 || c == 10 || c == 9 || c == 13 || c == 44 || c == 12
    }

    mutating func skipSpace() {
        while i < bytes.count {
            let c = bytes[i]
            if c == 10 {
                line += 1
                i += 1
                lineStart = i
            } else if c == 32 || c == 9 || c == 13 || c == 44 || c == 12 {
                i += 1
            } else if c == 59 || (c == 35 && i + 1 < bytes.count && bytes[i + 1] == 33) {  // ';' or '#!'
                while i < bytes.count && bytes[i] != 10 { i += 1 }
            } else {
                return
            }
        }
    }

    /// Whitespace, comments and `#_ form` discards (which may follow one another).
    mutating func skipIgnorable(depth: Int) throws {
        while true {
            skipSpace()
            guard i + 1 < bytes.count, bytes[i] == 35, bytes[i + 1] == 95 else { return }  // "#_"
            i += 2
            try skipForm(depth: depth + 1)
        }
    }

    // MARK: building forms

    mutating func form(depth: Int) throws -> EDN {
        guard depth < maxDepth else { throw fail("nesting deeper than \(maxDepth) levels") }
        try skipIgnorable(depth: depth)
        guard i < bytes.count else { throw fail("expected a form, found the end of the input") }
        let c = bytes[i]
        switch c {
        case 123:  // {
            i += 1
            return .map(try pairs(depth: depth, namespace: nil))
        case 91:  // [
            i += 1
            return .vector(try sequence(until: 93, depth: depth))
        case 40:  // (
            i += 1
            return .list(try sequence(until: 41, depth: depth))
        case 34:  // "
            return .string(try string())
        case 92:  // \
            return .char(try character())
        case 94:  // ^meta form: the metadata says nothing about the value
            i += 1
            try skipForm(depth: depth + 1)
            return try form(depth: depth + 1)
        case 35:  // #
            return try dispatch(depth: depth)
        case 125, 93, 41:
            throw fail("expected a form, found \(found) with no collection open")
        default:
            return try atom()
        }
    }

    private mutating func dispatch(depth: Int) throws -> EDN {
        i += 1
        guard i < bytes.count else { throw fail("expected a form after '#', found the end of the input") }
        switch bytes[i] {
        case 123:  // #{ set }
            i += 1
            return .set(try sequence(until: 125, depth: depth))
        case 35:  // ##Inf ##-Inf ##NaN
            i += 1
            let t = token()
            switch t {
            case "Inf": return .double(.infinity)
            case "-Inf": return .double(-.infinity)
            case "NaN": return .double(.nan)
            default: throw fail("expected ##Inf, ##-Inf or ##NaN, found ##\(t)")
            }
        case 58:  // #:ns{...}: a map whose plain keyword keys belong to ns
            i += 1
            let ns = token()
            skipSpace()
            guard i < bytes.count, bytes[i] == 123 else { throw fail("expected '{' after #:\(ns), found \(found)") }
            i += 1
            return .map(try pairs(depth: depth, namespace: ns))
        case 34:  // #"regex": kept as its text
            return .string(try string())
        default:
            let tagStart = i
            let tag = token()
            guard let first = tag.utf8.first, (first >= 65 && first <= 90) || (first >= 97 && first <= 122) else {
                i = tagStart
                throw fail("expected a tag, a set, a discard or ## after '#', found \(found)")
            }
            // A tagged literal: keep the value it tags (#inst "..." is its string, a record its map).
            return try form(depth: depth + 1)
        }
    }

    private mutating func sequence(until close: UInt8, depth: Int) throws -> [EDN] {
        var items: [EDN] = []
        while true {
            try skipIgnorable(depth: depth)
            guard i < bytes.count else {
                throw fail("expected '\(Character(UnicodeScalar(close)))' to close a collection, found the end of the input")
            }
            if bytes[i] == close {
                i += 1
                return items
            }
            if bytes[i] == 125 || bytes[i] == 93 || bytes[i] == 41 {
                throw fail("expected '\(Character(UnicodeScalar(close)))' to close a collection, found \(found)")
            }
            items.append(try form(depth: depth + 1))
        }
    }

    private mutating func pairs(depth: Int, namespace: String?) throws -> [(EDN, EDN)] {
        var result: [(EDN, EDN)] = []
        while true {
            try skipIgnorable(depth: depth)
            guard i < bytes.count else { throw fail("expected '}' to close a map, found the end of the input") }
            if bytes[i] == 125 {
                i += 1
                return result
            }
            var key = try form(depth: depth + 1)
            if let namespace, case .keyword(let k) = key, !k.contains("/") { key = .keyword(namespace + "/" + k) }
            try skipIgnorable(depth: depth)
            guard i < bytes.count, bytes[i] != 125 else { throw fail("expected a value for map key \(key), found \(found)") }
            result.append((key, try form(depth: depth + 1)))
        }
    }

    // MARK: skipping forms without building them

    /// Checks the syntax of one form and moves past it.
    mutating func skipForm(depth: Int) throws {
        guard depth < maxDepth else { throw fail("nesting deeper than \(maxDepth) levels") }
        try skipIgnorable(depth: depth)
        guard i < bytes.count else { throw fail("expected a form, found the end of the input") }
        let c = bytes[i]
        switch c {
        case 123, 91, 40:
            i += 1
            try skipSequence(until: c == 123 ? 125 : c == 91 ? 93 : 41, depth: depth)
        case 34:
            try skipString()
        case 35 where i + 1 < bytes.count && bytes[i + 1] == 123:
            i += 2
            try skipSequence(until: 125, depth: depth)
        case 35, 92, 94, 125, 93, 41:
            _ = try form(depth: depth)  // rare: let the builder check it
        default:
            _ = try atom()
        }
    }

    private mutating func skipSequence(until close: UInt8, depth: Int) throws {
        while true {
            try skipIgnorable(depth: depth)
            guard i < bytes.count else {
                throw fail("expected '\(Character(UnicodeScalar(close)))' to close a collection, found the end of the input")
            }
            if bytes[i] == close {
                i += 1
                return
            }
            if bytes[i] == 125 || bytes[i] == 93 || bytes[i] == 41 {
                throw fail("expected '\(Character(UnicodeScalar(close)))' to close a collection, found \(found)")
            }
            try skipForm(depth: depth + 1)
        }
    }

    private mutating func skipString() throws {
        let (startLine, startColumn) = (line, column)
        i += 1
        while i < bytes.count {
            let c = bytes[i]
            i += 1
            if c == 34 { return }
            if c == 92 { i += 1 } else if c == 10 {
                line += 1
                lineStart = i
            }
        }
        throw EDNError(line: startLine, column: startColumn, message: "expected '\"' to close the string that starts here, found the end of the input")
    }

    // MARK: atoms

    /// Reads a string; the cursor is on its opening quote.
    mutating func string() throws -> String {
        let (startLine, startColumn) = (line, column)
        i += 1
        let start = i
        // Fast path: no escapes.
        while i < bytes.count {
            let c = bytes[i]
            if c == 34 {
                let s = String(decoding: bytes[start..<i], as: UTF8.self)
                i += 1
                return s
            }
            if c == 92 { break }
            if c == 10 {
                line += 1
                lineStart = i + 1
            }
            i += 1
        }
        var out = Array(bytes[start..<min(i, bytes.count)])
        while i < bytes.count {
            let c = bytes[i]
            i += 1
            if c == 34 { return String(decoding: out, as: UTF8.self) }
            if c == 10 {
                line += 1
                lineStart = i
            }
            guard c == 92 else {
                out.append(c)
                continue
            }
            guard i < bytes.count else { break }
            let e = bytes[i]
            i += 1
            switch e {
            case 110: out.append(10)  // n
            case 116: out.append(9)  // t
            case 114: out.append(13)  // r
            case 98: out.append(8)  // b
            case 102: out.append(12)  // f
            case 34, 92, 47, 39: out.append(e)  // " \ / '
            case 117:  // uXXXX
                var scalar = try hex4()
                if scalar >= 0xD800 && scalar < 0xDC00, i + 1 < bytes.count, bytes[i] == 92, bytes[i + 1] == 117 {
                    i += 2
                    let low = try hex4()
                    scalar = 0x10000 + ((scalar - 0xD800) << 10) + (low &- 0xDC00)
                }
                guard let u = Unicode.Scalar(scalar) else { throw fail("expected a Unicode scalar, found \\u\(String(scalar, radix: 16))") }
                out.append(contentsOf: Array(String(Character(u)).utf8))
            default:
                i -= 1
                throw fail("expected an escape (\\n \\t \\r \\b \\f \\\" \\\\ \\uXXXX) in a string, found \\\(Character(UnicodeScalar(e)))")
            }
        }
        throw EDNError(line: startLine, column: startColumn, message: "expected '\"' to close the string that starts here, found the end of the input")
    }

    private mutating func hex4() throws -> UInt32 {
        guard i + 4 <= bytes.count, let v = UInt32(String(decoding: bytes[i..<i + 4], as: UTF8.self), radix: 16) else {
            throw fail("expected four hex digits after \\u")
        }
        i += 4
        return v
    }

    /// Reads a character literal (`\a`, `\newline`, `\u0041`, `\o101`); the cursor is on the backslash.
    private mutating func character() throws -> String {
        i += 1
        guard i < bytes.count, !Self.isSpace(bytes[i]) else { throw fail("expected a character after '\\', found \(found)") }
        // The first byte always belongs to the character, even a delimiter: \( \" \;
        let start = i
        i += 1
        while i < bytes.count, bytes[i] & 0xC0 == 0x80 { i += 1 }  // the rest of a UTF-8 sequence
        let rest = token()
        let name = String(decoding: bytes[start..<i], as: UTF8.self)
        if rest.isEmpty { return name }
        switch name {
        case "newline": return "\n"
        case "space": return " "
        case "tab": return "\t"
        case "return": return "\r"
        case "backspace": return "\u{8}"
        case "formfeed": return "\u{C}"
        default: break
        }
        if name.hasPrefix("u"), name.count == 5, let v = UInt32(name.dropFirst(), radix: 16), let u = Unicode.Scalar(v) {
            return String(Character(u))
        }
        if name.hasPrefix("o"), let v = UInt32(name.dropFirst(), radix: 8), let u = Unicode.Scalar(v) {
            return String(Character(u))
        }
        throw fail("expected a character name (newline, space, tab, return, backspace, formfeed, uXXXX, oNNN), found \\\(name)")
    }

    @inline(__always) private static func isDelimiter(_ c: UInt8) -> Bool {
        isSpace(c) || c == 123 || c == 125 || c == 91 || c == 93 || c == 40 || c == 41 || c == 34 || c == 59
    }

    /// Moves the cursor over `n` bytes that are not newlines.
    mutating func skipBytes(_ n: Int) { i = min(bytes.count, i + n) }

    /// The bytes of a symbol-like token at the cursor, moving past it.
    mutating func symbolRange() -> Range<Int> {
        let start = i
        while i < bytes.count, !Self.isDelimiter(bytes[i]) { i += 1 }
        return start..<i
    }

    /// The name of a keyword at the cursor (without its colon), moving past it; nil when the
    /// cursor is not on a keyword.
    mutating func keywordRange() throws -> Range<Int>? {
        guard i < bytes.count, bytes[i] == 58 else { return nil }
        i += 1
        let r = symbolRange()
        if r.isEmpty { throw fail("expected a keyword name after ':', found \(found)") }
        return r
    }

    private mutating func token() -> String {
        let start = i
        while i < bytes.count, !Self.isDelimiter(bytes[i]) { i += 1 }
        return String(decoding: bytes[start..<i], as: UTF8.self)
    }

    mutating func atom() throws -> EDN {
        let start = i
        let (startLine, startColumn) = (line, column)
        while i < bytes.count, !Self.isDelimiter(bytes[i]) { i += 1 }
        guard i > start else { throw fail("expected a form, found \(found)") }
        let c = bytes[start]
        if c == 58 {  // keyword
            var s = start + 1
            if s < i && bytes[s] == 58 { s += 1 }  // ::auto-resolved
            guard s < i else { throw EDNError(line: startLine, column: startColumn, message: "expected a keyword name after ':'") }
            return .keyword(String(decoding: bytes[s..<i], as: UTF8.self))
        }
        if (c >= 48 && c <= 57) || ((c == 45 || c == 43) && i - start > 1 && bytes[start + 1] >= 48 && bytes[start + 1] <= 57) {
            if let n = Self.number(bytes, start, i) { return n }
            throw EDNError(
                line: startLine, column: startColumn,
                message: "expected a number, found '\(String(decoding: bytes[start..<i], as: UTF8.self))'")
        }
        let t = String(decoding: bytes[start..<i], as: UTF8.self)
        switch t {
        case "nil": return .null
        case "true": return .bool(true)
        case "false": return .bool(false)
        default: return .symbol(t)
        }
    }

    /// Integers (optionally `N`, hex `0x`), floats (optionally `M`), ratios; nil when malformed.
    static func number(_ bytes: [UInt8], _ start: Int, _ end: Int) -> EDN? {
        // The common case first: a plain decimal integer that fits.
        var j = start
        var negative = false
        if bytes[j] == 45 || bytes[j] == 43 {
            negative = bytes[j] == 45
            j += 1
        }
        var v: Int64 = 0
        var plain = j < end
        var k = j
        while k < end {
            let d = bytes[k]
            guard d >= 48 && d <= 57 else {
                plain = false
                break
            }
            let (m, o1) = v.multipliedReportingOverflow(by: 10)
            let (a, o2) = m.addingReportingOverflow(Int64(d - 48))
            if o1 || o2 {
                plain = false
                break
            }
            v = a
            k += 1
        }
        if plain { return .int(negative ? -v : v) }
        var text = String(decoding: bytes[start..<end], as: UTF8.self)
        if text.hasSuffix("N") {
            text.removeLast()
            guard text.count > (negative || bytes[start] == 43 ? 1 : 0), text.dropFirst(bytes[start] == 45 || bytes[start] == 43 ? 1 : 0).allSatisfy(\.isNumber) else { return nil }
            if let n = Int64(text) { return .int(n) }
            return .exact(text.hasPrefix("+") ? String(text.dropFirst()) : text)
        }
        let digits = text.drop { $0 == "-" || $0 == "+" }
        if digits.hasPrefix("0x") || digits.hasPrefix("0X") {
            guard let n = Int64(digits.dropFirst(2), radix: 16) else { return nil }
            return .int(negative ? -n : n)
        }
        if let slash = text.firstIndex(of: "/") {
            let num = text[..<slash], den = text[text.index(after: slash)...]
            guard num.drop(while: { $0 == "-" || $0 == "+" }).allSatisfy(\.isNumber), !den.isEmpty, den.allSatisfy(\.isNumber)
            else { return nil }
            return .exact(text.hasPrefix("+") ? String(text.dropFirst()) : text)
        }
        if text.allSatisfy({ $0.isNumber || $0 == "-" || $0 == "+" }) {
            return .exact(text.hasPrefix("+") ? String(text.dropFirst()) : text)  // an integer too big for Int64
        }
        if text.hasSuffix("M") { text.removeLast() }
        if let d = Double(text) { return .double(d) }
        return nil
    }
}
