// Just enough JSON for pyraft's tree commands: parse one flat object into (name, value) pairs
// (string values unescaped, any other value kept as its JSON text), and render bytes as JSON
// strings (invalid UTF-8 bytes become \u00XX escapes of the byte value, so output stays valid).

enum TinyJSON {
    static func parseObject(_ b: [UInt8]) -> [(ByteKey, [UInt8])]? {
        var i = 0
        func ws() { while i < b.count, b[i] == 32 || b[i] == 9 || b[i] == 10 || b[i] == 13 { i += 1 } }
        func string() -> [UInt8]? {
            guard i < b.count, b[i] == UInt8(ascii: "\"") else { return nil }
            i += 1
            var out: [UInt8] = []
            while i < b.count {
                let c = b[i]
                i += 1
                if c == UInt8(ascii: "\"") { return out }
                if c != UInt8(ascii: "\\") { out.append(c); continue }
                guard i < b.count else { return nil }
                let e = b[i]
                i += 1
                switch e {
                case UInt8(ascii: "n"): out.append(10)
                case UInt8(ascii: "t"): out.append(9)
                case UInt8(ascii: "r"): out.append(13)
                case UInt8(ascii: "b"): out.append(8)
                case UInt8(ascii: "f"): out.append(12)
                case UInt8(ascii: "u"):
                    guard i + 4 <= b.count, let s = String(validating: b[i..<i + 4], as: UTF8.self),
                          let v = UInt32(s, radix: 16) else { return nil }
                    i += 4
                    let scalar = Unicode.Scalar(v) ?? "\u{FFFD}"
                    out.append(contentsOf: Array(String(Character(scalar)).utf8))
                default: out.append(e)
                }
            }
            return nil
        }
        // Skips any JSON value, returning its raw text.
        func raw() -> [UInt8]? {
            let start = i
            var depth = 0
            while i < b.count {
                let c = b[i]
                if c == UInt8(ascii: "\"") { guard string() != nil else { return nil }; if depth == 0 { break }; continue }
                if c == UInt8(ascii: "{") || c == UInt8(ascii: "[") { depth += 1 }
                if c == UInt8(ascii: "}") || c == UInt8(ascii: "]") {
                    if depth == 0 { break }
                    depth -= 1
                    if depth == 0 { i += 1; break }
                }
                if depth == 0 && c == UInt8(ascii: ",") { break }
                i += 1
            }
            var end = i
            while end > start, b[end - 1] == 32 || b[end - 1] == 10 || b[end - 1] == 9 || b[end - 1] == 13 { end -= 1 }
            return end > start ? Array(b[start..<end]) : nil
        }
        ws()
        guard i < b.count, b[i] == UInt8(ascii: "{") else { return nil }
        i += 1
        var out: [(ByteKey, [UInt8])] = []
        ws()
        if i < b.count, b[i] == UInt8(ascii: "}") { i += 1; ws(); return i == b.count ? out : nil }
        while true {
            ws()
            guard let k = string() else { return nil }
            ws()
            guard i < b.count, b[i] == UInt8(ascii: ":") else { return nil }
            i += 1
            ws()
            guard i < b.count else { return nil }
            let v: [UInt8]
            if b[i] == UInt8(ascii: "\"") { guard let s = string() else { return nil }; v = s }
            else { guard let r = raw() else { return nil }; v = r }
            out.append((ByteKey(k), v))
            ws()
            guard i < b.count else { return nil }
            if b[i] == UInt8(ascii: ",") { i += 1; continue }
            if b[i] == UInt8(ascii: "}") { i += 1; break }
            return nil
        }
        ws()
        return i == b.count ? out : nil
    }

    static func quote(_ bytes: [UInt8], into out: inout String) {
        out.append("\"")
        var valid: [UInt8] = []
        func flush() {
            guard !valid.isEmpty else { return }
            for u in String(decoding: valid, as: UTF8.self).unicodeScalars {
                switch u {
                case "\"": out.append("\\\"")
                case "\\": out.append("\\\\")
                case "\n": out.append("\\n")
                case "\r": out.append("\\r")
                case "\t": out.append("\\t")
                default:
                    if u.value < 0x20 { out.append(hex4(u.value)) } else { out.unicodeScalars.append(u) }
                }
            }
            valid.removeAll(keepingCapacity: true)
        }
        if String(validating: bytes, as: UTF8.self) != nil {
            valid = bytes
            flush()
        } else {
            for b in bytes {
                if b < 0x80 { valid.append(b) } else { flush(); out.append(hex4(UInt32(b))) }
            }
            flush()
        }
        out.append("\"")
    }

    private static func hex4(_ v: UInt32) -> String {
        let h = String(v, radix: 16)
        return "\\u" + String(repeating: "0", count: 4 - h.count) + h
    }

    static func quoted(_ bytes: [UInt8]) -> String {
        var s = ""
        quote(bytes, into: &s)
        return s
    }
}
