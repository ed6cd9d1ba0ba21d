// Bitmaps over strings: BITCOUNT BITPOS BITOP (SETBIT/GETBIT: StringCommands.swift, BITFIELD:
// BitfieldCommand.swift). Bit 0 is the most significant bit of byte 0, as in Redis.

import RESP

enum BitCommands {
    static func register(in r: inout CommandRegistry) {
        r.register("bitcount", kind: .read, arity: -2, handler: bitcount)
        r.register("bitpos", kind: .read, arity: -3, handler: bitpos)
        r.register("bitop", kind: .write, arity: -4, handler: bitop)
    }

    /// `[start end [BYTE|BIT]]` as a range of bits of a string of `n` bytes (nil: empty).
    /// `endGiven` is false when the end may be left out (BITPOS).
    static func bitRange(_ a: [[UInt8]], from i: Int, bytes n: Int, endOptional: Bool) throws(CommandError) -> (range: Range<Int>?, endGiven: Bool) {
        guard i < a.count else { return (n > 0 ? 0..<(n * 8) : nil, false) }
        if !endOptional && i + 1 >= a.count { throw .syntax }
        var bitMode = false
        if i + 2 < a.count {
            guard i + 3 == a.count else { throw .syntax }
            if a[i + 2].isOption("bit") { bitMode = true } else if !a[i + 2].isOption("byte") { throw .syntax }
        }
        var start = try Numbers.int(a[i])
        let endGiven = i + 1 < a.count
        let len = Int64(bitMode ? n * 8 : n)
        var end = endGiven ? try Numbers.int(a[i + 1]) : len - 1
        if start < 0 { start = max(0, len + start) }
        if end < 0 { end = max(0, len + end) }
        if end >= len { end = len - 1 }
        if len == 0 || start > end { return (nil, endGiven) }
        let lo = bitMode ? Int(start) : Int(start) * 8
        let hi = bitMode ? Int(end) + 1 : (Int(end) + 1) * 8
        return (lo..<hi, endGiven)
    }

    @inline(__always) static func bit(_ s: [UInt8], _ i: Int) -> Bool {
        s[i >> 3] & UInt8(0x80 >> (i & 7)) != 0
    }

    static func bitcount(_ c: CommandContext) throws(CommandError) -> RESPValue {
        let s = try c.string(c.key(1)) ?? []
        guard let r = try bitRange(c.args, from: 2, bytes: s.count, endOptional: false).range else { return .integer(0) }
        var n = 0
        var i = r.lowerBound
        while i < r.upperBound && i & 7 != 0 { if bit(s, i) { n += 1 }; i += 1 }
        while i + 8 <= r.upperBound { n += s[i >> 3].nonzeroBitCount; i += 8 }
        while i < r.upperBound { if bit(s, i) { n += 1 }; i += 1 }
        return .int(n)
    }

    static func bitpos(_ c: CommandContext) throws(CommandError) -> RESPValue {
        let b = c.args[2]
        guard b == [UInt8(ascii: "0")] || b == [UInt8(ascii: "1")] else {
            throw CommandError("ERR The bit argument must be 1 or 0.")
        }
        let want = b[0] == UInt8(ascii: "1")
        guard let s = try c.string(c.key(1)) else {
            _ = try bitRange(c.args, from: 3, bytes: 0, endOptional: true)
            return .integer(want ? -1 : 0)
        }
        let (range, endGiven) = try bitRange(c.args, from: 3, bytes: s.count, endOptional: true)
        guard let r = range else { return .integer(-1) }
        var i = r.lowerBound
        let skip: UInt8 = want ? 0x00 : 0xFF
        while i < r.upperBound {
            if i & 7 == 0 && i + 8 <= r.upperBound && s[i >> 3] == skip { i += 8; continue }
            if bit(s, i) == want { return .int(i) }
            i += 1
        }
        // Looking for a 0 past a string of ones with no explicit end: the string is taken as
        // padded with zeros on the right, as Redis does.
        if !want && !endGiven { return .int(r.upperBound) }
        return .integer(-1)
    }

    static func bitop(_ c: CommandContext) throws(CommandError) -> RESPValue {
        let op = c.args[1]
        let not = op.isOption("not")
        guard not || op.isOption("and") || op.isOption("or") || op.isOption("xor") else { throw .syntax }
        if not && c.args.count != 4 { throw CommandError("ERR BITOP NOT must be called with a single source key.") }
        var sources: [[UInt8]] = []
        for i in 3..<c.args.count { sources.append(try c.string(c.key(i)) ?? []) }
        let n = sources.map(\.count).max() ?? 0
        var out = [UInt8](repeating: 0, count: n)
        if not {
            for i in 0..<n { out[i] = ~sources[0][i] }
        } else {
            for i in 0..<n {
                var v: UInt8 = i < sources[0].count ? sources[0][i] : 0
                for s in sources.dropFirst() {
                    let x: UInt8 = i < s.count ? s[i] : 0
                    if op.isOption("and") { v &= x } else if op.isOption("or") { v |= x } else { v ^= x }
                }
                out[i] = v
            }
        }
        c.storeResult(c.key(2), .string(out), empty: out.isEmpty)
        return .int(n)
    }
}
