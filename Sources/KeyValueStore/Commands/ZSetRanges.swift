// Sorted-set ranges as Redis parses them, and their translation into ascending rank ranges of
// a SortedSet (two O(log n) descents, whatever the set's size):
//   score bounds  1.5  (1.5 (exclusive)  -inf  +inf
//   lex bounds    [a (inclusive)  (a (exclusive)  - (lowest)  + (highest)

import RESP

struct ScoreBound {
    var value: Double
    var exclusive: Bool

    static func parse(_ b: [UInt8]) throws(CommandError) -> ScoreBound {
        let err = CommandError("ERR min or max is not a float")
        if b.first == UInt8(ascii: "(") {
            guard let v = Numbers.parseDouble(Array(b.dropFirst())) else { throw err }
            return ScoreBound(value: v, exclusive: true)
        }
        guard let v = Numbers.parseDouble(b) else { throw err }
        return ScoreBound(value: v, exclusive: false)
    }
}

enum LexBound {
    case lowest, highest
    case inclusive([UInt8]), exclusive([UInt8])

    static func parse(_ b: [UInt8]) throws(CommandError) -> LexBound {
        switch b.first {
        case UInt8(ascii: "-") where b.count == 1: return .lowest
        case UInt8(ascii: "+") where b.count == 1: return .highest
        case UInt8(ascii: "["): return .inclusive(Array(b.dropFirst()))
        case UInt8(ascii: "("): return .exclusive(Array(b.dropFirst()))
        default: throw CommandError("ERR min or max not valid string range item")
        }
    }
}

extension SortedSet {
    /// Ascending ranks of the elements with min <= score <= max (bounds as given).
    func ranks(min: ScoreBound, max: ScoreBound) -> Range<Int> {
        let lo = countPrefix { s, _ in min.exclusive ? s <= min.value : s < min.value }
        let hi = countPrefix { s, _ in max.exclusive ? s < max.value : s <= max.value }
        return lo < hi ? lo..<hi : lo..<lo
    }

    /// Ascending ranks of the members between `min` and `max` in byte order (meaningful when
    /// every score is equal, as Redis documents).
    func ranks(min: LexBound, max: LexBound) -> Range<Int> {
        let lo: Int, hi: Int
        switch min {
        case .lowest: lo = 0
        case .highest: lo = count
        case .inclusive(let m): lo = countPrefix { _, x in x < ByteKey(m) }
        case .exclusive(let m): lo = countPrefix { _, x in !(ByteKey(m) < x) }
        }
        switch max {
        case .lowest: hi = 0
        case .highest: hi = count
        case .inclusive(let m): hi = countPrefix { _, x in !(ByteKey(m) < x) }
        case .exclusive(let m): hi = countPrefix { _, x in x < ByteKey(m) }
        }
        return lo < hi ? lo..<hi : lo..<lo
    }

    /// The elements of `ranks` in the requested direction, after LIMIT offset count
    /// (offset < 0: nothing; count < 0: all the rest).
    func slice(_ ranks: Range<Int>, rev: Bool, offset: Int = 0, count limit: Int = -1) -> [(member: ByteKey, score: Double)] {
        guard offset >= 0, offset < ranks.count else { return [] }
        let n = limit < 0 ? ranks.count - offset : Swift.min(limit, ranks.count - offset)
        if rev {
            let upper = ranks.upperBound - offset
            return elements((upper - n)..<upper).reversed()
        }
        let lower = ranks.lowerBound + offset
        return elements(lower..<(lower + n))
    }
}

/// Redis's rank normalization (ZRANGE start stop, ZREMRANGEBYRANK): negatives count from the
/// end, then clamp; nil when empty.
func rankRange(_ startArg: [UInt8], _ stopArg: [UInt8], count: Int) throws(CommandError) -> Range<Int>? {
    try ListCommands.range(startArg, stopArg, count: count)
}

/// Members with scores, flattened as RESP2 clients expect (member, score, member, score...);
/// scores are doubles, so RESP3 clients receive them as doubles.
func withScoresReply(_ items: [(member: ByteKey, score: Double)], scores: Bool) -> RESPValue {
    var out: [RESPValue] = []
    out.reserveCapacity(items.count * (scores ? 2 : 1))
    for (m, s) in items {
        out.append(.bulkString(m.bytes))
        if scores { out.append(.double(s)) }
    }
    return .array(out)
}
