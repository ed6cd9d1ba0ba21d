// Parsing and formatting of numbers exactly as Redis does (string2ll's strictness: no
// leading '+', no spaces, no leading zeros, at most 20 bytes).

enum Numbers {
    static func parseInt(_ b: [UInt8]) -> Int64? {
        let n = b.count
        guard n > 0, n <= 20 else { return nil }
        if n == 1 && b[0] == UInt8(ascii: "0") { return 0 }
        var i = 0
        var negative = false
        if b[0] == UInt8(ascii: "-") {
            negative = true
            i = 1
            guard n > 1 else { return nil }
        }
        // First digit 1...9 (so "-0", "01" and "+1" are rejected, as by Redis).
        guard b[i] >= UInt8(ascii: "1"), b[i] <= UInt8(ascii: "9") else { return nil }
        var v: UInt64 = 0
        while i < n {
            let c = b[i]
            guard c >= 48, c <= 57 else { return nil }
            let (m, o1) = v.multipliedReportingOverflow(by: 10)
            let (a, o2) = m.addingReportingOverflow(UInt64(c - 48))
            if o1 || o2 { return nil }
            v = a
            i += 1
        }
        if negative {
            if v > UInt64(Int64.max) + 1 { return nil }
            return v == UInt64(Int64.max) + 1 ? Int64.min : -Int64(v)
        }
        return v > UInt64(Int64.max) ? nil : Int64(v)
    }

    static func int(_ b: [UInt8], _ err: CommandError = .notInteger) throws(CommandError) -> Int64 {
        guard let v = parseInt(b) else { throw err }
        return v
    }

    /// Redis accepts what strtold accepts, minus leading spaces and NaN.
    static func parseDouble(_ b: [UInt8]) -> Double? {
        guard !b.isEmpty, b.count <= 5120 else { return nil }
        let first = b[0], last = b[b.count - 1]
        if first == 32 || first == 9 || last == 32 || last == 9 || first == 10 { return nil }
        // Swift's parser stops at a NUL byte and would read "1\02" as 1: Redis refuses it.
        if b.contains(0) { return nil }
        guard let s = String(validating: b, as: UTF8.self), let d = Double(s), !d.isNaN else { return nil }
        return d
    }

    static func double(_ b: [UInt8]) throws(CommandError) -> Double {
        guard let v = parseDouble(b) else { throw .notFloat }
        return v
    }

    @inline(__always) static func bytes(_ v: Int64) -> [UInt8] { Array(String(v).utf8) }

    /// Human-readable float as INCRBYFLOAT replies: the shortest round-tripping digits, in
    /// plain (never exponent) notation, without trailing zeros.
    static func formatDouble(_ d: Double) -> String {
        if d == 0 { return "0" }
        if d.isInfinite { return d < 0 ? "-inf" : "inf" }
        let s = d.description
        guard let eIndex = s.firstIndex(where: { $0 == "e" || $0 == "E" }) else {
            return s.hasSuffix(".0") ? String(s.dropLast(2)) : s
        }
        let mantissa = s[s.startIndex..<eIndex]
        let exponent = Int(s[s.index(after: eIndex)...]) ?? 0
        let negative = mantissa.hasPrefix("-")
        let unsigned = negative ? mantissa.dropFirst() : mantissa[...]
        let parts = unsigned.split(separator: ".", omittingEmptySubsequences: false)
        let intPart = String(parts[0])
        var frac = parts.count > 1 ? String(parts[1]) : ""
        if frac == "0" { frac = "" }
        var digits = intPart + frac
        var point = intPart.count + exponent
        if point <= 0 {
            digits = String(repeating: "0", count: -point + 1) + digits
            point = 1
        } else if point > digits.count {
            digits += String(repeating: "0", count: point - digits.count)
        }
        var out = String(digits.prefix(point))
        var rest = String(digits.dropFirst(point))
        while rest.hasSuffix("0") { rest.removeLast() }
        if !rest.isEmpty { out += "." + rest }
        return (negative ? "-" : "") + out
    }
}

extension Array where Element == UInt8 {
    /// ASCII case-insensitive comparison with a lower-case literal, allocation-free.
    @inline(__always) func isOption(_ lower: StaticString) -> Bool {
        guard count == lower.utf8CodeUnitCount else { return false }
        let p = lower.utf8Start
        for i in 0..<count {
            var c = self[i]
            if c >= 65 && c <= 90 { c |= 0x20 }
            if c != p[i] { return false }
        }
        return true
    }
}
