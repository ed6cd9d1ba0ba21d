// Redis's glob-style pattern matching (KEYS, SCAN MATCH): * ? [abc] [^a] [a-z] and \ escapes.
// Iterative, with backtracking to the last star only: no recursion (a hostile pattern of
// thousands of stars cannot overflow the stack) and O(pattern x key) time at worst.

public enum Glob {
    public static func match(_ p: [UInt8], _ s: [UInt8], nocase: Bool = false) -> Bool {
        var pi = 0, si = 0
        var starP = -1, starS = 0
        while si < s.count {
            if pi < p.count && p[pi] == UInt8(ascii: "*") {
                while pi < p.count && p[pi] == UInt8(ascii: "*") { pi += 1 }
                if pi == p.count { return true }
                starP = pi
                starS = si
                continue
            }
            if pi < p.count, let next = single(p, pi, s[si], nocase) {
                pi = next
                si += 1
                continue
            }
            guard starP >= 0 else { return false }
            // Let the last star swallow one more byte and retry from just after it.
            starS += 1
            si = starS
            pi = starP
        }
        while pi < p.count && p[pi] == UInt8(ascii: "*") { pi += 1 }
        return pi == p.count
    }

    private static func fold(_ c: UInt8, _ nocase: Bool) -> UInt8 {
        nocase && c >= 65 && c <= 90 ? c | 0x20 : c
    }

    /// Matches one non-star pattern token at `pi` against byte `sc`; returns the index after
    /// the token, or nil when it does not match.
    private static func single(_ p: [UInt8], _ start: Int, _ sc: UInt8, _ nocase: Bool) -> Int? {
        var pi = start
        switch p[pi] {
        case UInt8(ascii: "?"):
            return pi + 1
        case UInt8(ascii: "["):
            pi += 1
            var negate = false
            if pi < p.count && p[pi] == UInt8(ascii: "^") { negate = true; pi += 1 }
            var matched = false
            while pi < p.count && p[pi] != UInt8(ascii: "]") {
                let c = p[pi]
                if c == UInt8(ascii: "\\") && pi + 1 < p.count {
                    if p[pi + 1] == sc { matched = true }
                    pi += 2
                } else if pi + 2 < p.count && p[pi + 1] == UInt8(ascii: "-") {
                    var lo = fold(c, nocase), hi = fold(p[pi + 2], nocase)
                    if lo > hi { swap(&lo, &hi) }
                    let x = fold(sc, nocase)
                    if x >= lo && x <= hi { matched = true }
                    pi += 3
                } else {
                    if fold(c, nocase) == fold(sc, nocase) { matched = true }
                    pi += 1
                }
            }
            if pi < p.count { pi += 1 }  // the closing ]
            if negate { matched.toggle() }
            return matched ? pi : nil
        default:
            var c = p[pi]
            if c == UInt8(ascii: "\\") && pi + 1 < p.count {
                pi += 1
                c = p[pi]
            }
            return fold(c, nocase) == fold(sc, nocase) ? pi + 1 : nil
        }
    }
}
