// Redis's glob-style pattern matching (KEYS, SCAN MATCH): * ? [abc] [^a] [a-z] and \ escapes.

enum Glob {
    static func match(_ p: [UInt8], _ s: [UInt8], nocase: Bool = false) -> Bool {
        var steps = 0
        return match(p[...], s[...], nocase, &steps)
    }

    private static func fold(_ c: UInt8, _ nocase: Bool) -> UInt8 {
        nocase && c >= 65 && c <= 90 ? c | 0x20 : c
    }

    // `steps` bounds the work a hostile pattern can cause (many stars against a long key).
    private static func match(_ pIn: ArraySlice<UInt8>, _ sIn: ArraySlice<UInt8>, _ nocase: Bool, _ steps: inout Int) -> Bool {
        var p = pIn, s = sIn
        steps += 1
        if steps > 1_000_000 { return false }
        while let pc = p.first {
            switch pc {
            case UInt8(ascii: "*"):
                while p.count > 1 && p[p.startIndex + 1] == UInt8(ascii: "*") { p = p.dropFirst() }
                if p.count == 1 { return true }
                var rest = s
                while true {
                    if match(p.dropFirst(), rest, nocase, &steps) { return true }
                    if rest.isEmpty || steps > 1_000_000 { return false }
                    rest = rest.dropFirst()
                }
            case UInt8(ascii: "?"):
                if s.isEmpty { return false }
                s = s.dropFirst()
                p = p.dropFirst()
            case UInt8(ascii: "["):
                guard let sc = s.first else { return false }
                p = p.dropFirst()
                var negate = false
                if p.first == UInt8(ascii: "^") { negate = true; p = p.dropFirst() }
                var matched = false
                while let c = p.first, c != UInt8(ascii: "]") {
                    if c == UInt8(ascii: "\\") && p.count >= 2 {
                        p = p.dropFirst()
                        if p.first! == sc { matched = true }
                        p = p.dropFirst()
                    } else if p.count >= 3 && p[p.startIndex + 1] == UInt8(ascii: "-") {
                        var lo = fold(c, nocase), hi = fold(p[p.startIndex + 2], nocase)
                        if lo > hi { swap(&lo, &hi) }
                        let x = fold(sc, nocase)
                        if x >= lo && x <= hi { matched = true }
                        p = p.dropFirst(3)
                    } else {
                        if fold(c, nocase) == fold(sc, nocase) { matched = true }
                        p = p.dropFirst()
                    }
                }
                if !p.isEmpty { p = p.dropFirst() }  // the closing ]
                if negate { matched.toggle() }
                if !matched { return false }
                s = s.dropFirst()
            default:
                var c = pc
                if pc == UInt8(ascii: "\\") && p.count >= 2 {
                    p = p.dropFirst()
                    c = p.first!
                }
                guard let sc = s.first, fold(c, nocase) == fold(sc, nocase) else { return false }
                s = s.dropFirst()
                p = p.dropFirst()
            }
        }
        return s.isEmpty
    }
}
