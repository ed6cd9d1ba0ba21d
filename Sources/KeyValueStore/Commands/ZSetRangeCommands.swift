// Sorted-set ranges: ZRANGE (BYSCORE BYLEX REV LIMIT WITHSCORES) ZRANGESTORE ZRANGEBYSCORE
// ZREVRANGEBYSCORE ZRANGEBYLEX ZREVRANGEBYLEX ZREVRANGE, ZREMRANGEBYRANK ZREMRANGEBYSCORE
// ZREMRANGEBYLEX, and the pops ZPOPMIN ZPOPMAX ZMPOP. One parser serves every range form, as
// in Redis (so the legacy forms give the same errors as ZRANGE).

import RESP

enum ZSetRangeCommands {
    static func register(in r: inout CommandRegistry) {
        r.register("zrange", kind: .read, arity: -4, handler: zrange)
        r.register("zrangestore", kind: .write, arity: -5, handler: zrangestore)
        r.register("zrevrange", kind: .read, arity: -4, handler: zrange)
        r.register("zrangebyscore", kind: .read, arity: -4, handler: zrange)
        r.register("zrevrangebyscore", kind: .read, arity: -4, handler: zrange)
        r.register("zrangebylex", kind: .read, arity: -4, handler: zrange)
        r.register("zrevrangebylex", kind: .read, arity: -4, handler: zrange)
        r.register("zremrangebyrank", kind: .write, arity: 4, handler: zremrange)
        r.register("zremrangebyscore", kind: .write, arity: 4, handler: zremrange)
        r.register("zremrangebylex", kind: .write, arity: 4, handler: zremrange)
        r.register("zpopmin", kind: .write, arity: -2, handler: zpop)
        r.register("zpopmax", kind: .write, arity: -2, handler: zpop)
        r.register("zmpop", kind: .write, arity: -4, handler: zmpop)
    }

    enum By { case rank, score, lex }

    struct Spec {
        var by: By? = nil
        var rev: Bool? = nil
        var offset = 0, limit = -1
        var limitGiven = false
        var withScores = false
    }

    /// Parses the options after `key min max` (at `from`), with the form's fixed kind and
    /// direction (nil: ZRANGE's, chosen by BYSCORE/BYLEX/REV).
    static func parse(_ a: [[UInt8]], from: Int, by: By?, rev: Bool?, store: Bool) throws(CommandError) -> Spec {
        var s = Spec(by: by, rev: rev)
        var j = from
        while j < a.count {
            let o = a[j]
            if !store && o.isOption("withscores") {
                s.withScores = true
            } else if o.isOption("limit") && a.count - j - 1 >= 2 {
                s.offset = Int(try Numbers.int(a[j + 1]))
                s.limit = Int(try Numbers.int(a[j + 2]))
                s.limitGiven = true
                j += 2
            } else if s.rev == nil && o.isOption("rev") {
                s.rev = true
            } else if s.by == nil && o.isOption("bylex") {
                s.by = .lex
            } else if s.by == nil && o.isOption("byscore") {
                s.by = .score
            } else {
                throw .syntax
            }
            j += 1
        }
        if s.by == nil { s.by = .rank }
        if s.rev == nil { s.rev = false }
        if s.limitGiven && s.by == .rank {
            throw CommandError("ERR syntax error, LIMIT is only supported in combination with either BYSCORE or BYLEX")
        }
        if s.withScores && s.by == .lex {
            throw CommandError("ERR syntax error, WITHSCORES not supported in combination with BYLEX")
        }
        return s
    }

    /// The selected elements of `z` in reply order. `first`/`second` are the two bounds as the
    /// client wrote them (for a reversed score or lex range, max comes first).
    static func select(_ z: SortedSet?, _ s: Spec, _ first: [UInt8], _ second: [UInt8]) throws(CommandError) -> [(member: ByteKey, score: Double)] {
        let rev = s.rev!
        switch s.by! {
        case .rank:
            _ = try Numbers.int(first); _ = try Numbers.int(second)
            guard let z, let r = try rankRange(first, second, count: z.count) else { return [] }
            if rev { return z.elements((z.count - r.upperBound)..<(z.count - r.lowerBound)).reversed() }
            return z.elements(r)
        case .score:
            let lo = try ScoreBound.parse(rev ? second : first), hi = try ScoreBound.parse(rev ? first : second)
            guard let z else { return [] }
            return z.slice(z.ranks(min: lo, max: hi), rev: rev, offset: s.offset, count: s.limit)
        case .lex:
            let lo = try LexBound.parse(rev ? second : first), hi = try LexBound.parse(rev ? first : second)
            guard let z else { return [] }
            return z.slice(z.ranks(min: lo, max: hi), rev: rev, offset: s.offset, count: s.limit)
        }
    }

    /// The fixed kind and direction of each range command's name.
    static func form(_ name: String) -> (By?, Bool?) {
        switch name {
        case "zrevrange": (.rank, true)
        case "zrangebyscore": (.score, false)
        case "zrevrangebyscore": (.score, true)
        case "zrangebylex": (.lex, false)
        case "zrevrangebylex": (.lex, true)
        default: (nil, nil)
        }
    }

    static func zrange(_ c: CommandContext) throws(CommandError) -> RESPValue {
        let (by, rev) = form(c.command.name)
        let s = try parse(c.args, from: 4, by: by, rev: rev, store: false)
        let z = try c.zset(c.key(1))
        return withScoresReply(try select(z, s, c.args[2], c.args[3]), scores: s.withScores)
    }

    static func zrangestore(_ c: CommandContext) throws(CommandError) -> RESPValue {
        let s = try parse(c.args, from: 5, by: nil, rev: nil, store: true)
        let z = try c.zset(c.key(2))
        var out = SortedSet()
        for (m, score) in try select(z, s, c.args[3], c.args[4]) { out.set(m, score) }
        c.storeResult(c.key(1), .zset(out), empty: out.isEmpty)
        return .int(out.count)
    }

    static func zremrange(_ c: CommandContext) throws(CommandError) -> RESPValue {
        let name = c.command.name
        let by: By = name.hasSuffix("rank") ? .rank : name.hasSuffix("score") ? .score : .lex
        let spec = Spec(by: by, rev: false)
        let victims = try select(try c.zset(c.key(1)), spec, c.args[2], c.args[3])
        guard !victims.isEmpty else { return .integer(0) }
        _ = try c.modifyZSet(c.key(1), create: false) { (z: inout SortedSet) throws(CommandError) in
            for v in victims { z.remove(v.member) }
        }
        return .int(victims.count)
    }

    /// Removes up to `count` lowest (or highest) elements and returns them in pop order.
    static func popElements(_ c: CommandContext, _ key: ByteKey, max: Bool, count: Int) throws(CommandError) -> [(member: ByteKey, score: Double)] {
        guard let z = try c.zset(key), count > 0 else { return [] }
        let n = min(count, z.count)
        let items = max ? z.elements((z.count - n)..<z.count).reversed() : z.elements(0..<n)
        _ = try c.modifyZSet(key, create: false) { (z: inout SortedSet) throws(CommandError) in
            for v in items { z.remove(v.member) }
        }
        return items
    }

    static func zpop(_ c: CommandContext) throws(CommandError) -> RESPValue {
        guard c.args.count <= 3 else { throw .syntax }
        var count = 1
        if c.args.count == 3 {
            let n = try Numbers.int(c.args[2])
            guard n >= 0 else { throw .mustBePositive }
            count = Int(n)
        }
        return withScoresReply(try popElements(c, c.key(1), max: c.command.name == "zpopmax", count: count), scores: true)
    }

    /// ZMPOP numkeys key [key ...] MIN|MAX [COUNT count]: pops from the first non-empty key;
    /// replies [key, [[member, score], ...]] or a null array.
    static func zmpop(_ c: CommandContext) throws(CommandError) -> RESPValue {
        let n = try SetCommands.numkeys(c.args, at: 1)
        var j = 2 + n
        guard j < c.args.count else { throw .syntax }
        let max: Bool
        if c.args[j].isOption("min") { max = false } else if c.args[j].isOption("max") { max = true } else { throw .syntax }
        j += 1
        var count = 1
        var countSeen = false
        while j < c.args.count {
            guard c.args[j].isOption("count"), !countSeen, j + 1 < c.args.count else { throw .syntax }
            guard let v = Numbers.parseInt(c.args[j + 1]), v > 0 else { throw CommandError("ERR count should be greater than 0") }
            count = Int(v)
            countSeen = true
            j += 2
        }
        for i in 2..<(2 + n) {
            let items = try popElements(c, c.key(i), max: max, count: count)
            if !items.isEmpty {
                return .array([.bulkString(c.args[i]), .array(items.map { .array([.bulkString($0.member.bytes), .double($0.score)]) })])
            }
        }
        return .array(nil)
    }
}
