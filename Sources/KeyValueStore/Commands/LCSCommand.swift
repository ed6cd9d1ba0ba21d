// LCS key1 key2 [LEN] [IDX] [MINMATCHLEN len] [WITHMATCHLEN]: longest common subsequence by
// dynamic programming, with matches reported from the end of the strings backwards, as Redis does.

import RESP

enum LCSCommand {
    static func lcs(_ c: CommandContext) throws(CommandError) -> RESPValue {
        var getLen = false, getIdx = false, withMatchLen = false
        var minMatchLen: Int64 = 0
        var i = 3
        while i < c.args.count {
            let o = c.args[i]
            if o.isOption("idx") { getIdx = true }
            else if o.isOption("len") { getLen = true }
            else if o.isOption("withmatchlen") { withMatchLen = true }
            else if o.isOption("minmatchlen") && i + 1 < c.args.count {
                minMatchLen = try Numbers.int(c.args[i + 1])
                if minMatchLen < 0 { minMatchLen = 0 }
                i += 1
            } else { throw .syntax }
            i += 1
        }
        func fetch(_ k: ByteKey) throws(CommandError) -> [UInt8] {
            guard let v = c.store.value(k, now: c.now) else { return [] }
            guard case .string(let s) = v else {
                throw CommandError("ERR The specified keys must contain string values")
            }
            return s
        }
        let a = try fetch(c.key(1)), b = try fetch(c.key(2))
        if getIdx && getLen {
            throw CommandError("ERR If you want both the length and indexes, please just use IDX.")
        }
        let alen = a.count, blen = b.count
        guard (alen + 1).multipliedReportingOverflow(by: blen + 1).partialValue <= 1 << 26,
              !(alen + 1).multipliedReportingOverflow(by: blen + 1).overflow else {
            throw CommandError("ERR Insufficient memory, transient memory for LCS exceeds proto-max-bulk-len")
        }
        let w = blen + 1
        var t = [UInt32](repeating: 0, count: (alen + 1) * w)
        if alen > 0 && blen > 0 {
            for x in 1...alen {
                for y in 1...blen {
                    t[x * w + y] = a[x - 1] == b[y - 1]
                        ? t[(x - 1) * w + y - 1] + 1
                        : max(t[(x - 1) * w + y], t[x * w + y - 1])
                }
            }
        }
        let total = Int(t[alen * w + blen])
        if getLen { return .int(total) }

        var result = [UInt8](repeating: 0, count: total)
        var matches: [RESPValue] = []
        var idx = total
        var x = alen, y = blen
        var aStart = alen, aEnd = 0, bStart = 0, bEnd = 0  // aStart == alen: no open range
        while x > 0 && y > 0 {
            var emit = false
            if a[x - 1] == b[y - 1] {
                result[idx - 1] = a[x - 1]
                if aStart == alen {
                    aStart = x - 1; aEnd = x - 1; bStart = y - 1; bEnd = y - 1
                } else if aStart == x && bStart == y {
                    aStart -= 1; bStart -= 1
                } else {
                    emit = true
                }
                if aStart == 0 || bStart == 0 { emit = true }
                idx -= 1; x -= 1; y -= 1
            } else {
                if t[(x - 1) * w + y] > t[x * w + y - 1] { x -= 1 } else { y -= 1 }
                if aStart != alen { emit = true }
            }
            if emit {
                let len = aEnd - aStart + 1
                if getIdx && (minMatchLen == 0 || Int64(len) >= minMatchLen) {
                    var m: [RESPValue] = [
                        .array([.int(aStart), .int(aEnd)]),
                        .array([.int(bStart), .int(bEnd)]),
                    ]
                    if withMatchLen { m.append(.int(len)) }
                    matches.append(.array(m))
                }
                aStart = alen
            }
        }
        if getIdx {
            return .map([
                RESPValue.Pair(.bulk("matches"), .array(matches)),
                RESPValue.Pair(.bulk("len"), .int(total)),
            ])
        }
        return .bulkString(result)
    }
}
