// Sorted sets, adding and reading: ZADD (NX XX GT LT CH INCR) ZINCRBY ZREM ZCARD ZCOUNT
// ZLEXCOUNT ZSCORE ZMSCORE ZRANK ZREVRANK ZRANDMEMBER ZSCAN. Ranges: ZSetRangeCommands.swift;
// union/intersection/difference: ZSetAlgebraCommands.swift.
// Scores are replied as doubles: a bulk string in RESP2, a double in RESP3.

import RESP

enum ZSetCommands {
    static func register(in r: inout CommandRegistry) {
        r.register("zadd", kind: .write, arity: -4, handler: zadd)
        r.register("zincrby", kind: .write, arity: 4, handler: zincrby)
        r.register("zrem", kind: .write, arity: -3, handler: zrem)
        r.register("zcard", kind: .read, arity: 2, handler: zcard)
        r.register("zcount", kind: .read, arity: 4, handler: zcount)
        r.register("zlexcount", kind: .read, arity: 4, handler: zlexcount)
        r.register("zscore", kind: .read, arity: 3, handler: zscore)
        r.register("zmscore", kind: .read, arity: -3, handler: zmscore)
        r.register("zrank", kind: .read, arity: -3, handler: zrank)
        r.register("zrevrank", kind: .read, arity: -3, handler: zrank)
        r.register("zrandmember", kind: .read, arity: -2, handler: zrandmember)
        r.register("zscan", kind: .read, arity: -3, handler: zscan)
        ZSetRangeCommands.register(in: &r)
        ZSetAlgebraCommands.register(in: &r)
    }

    struct AddFlags { var nx = false, xx = false, gt = false, lt = false, ch = false, incr = false }

    static func zadd(_ c: CommandContext) throws(CommandError) -> RESPValue {
        var f = AddFlags()
        var i = 2
        while i < c.args.count {
            let o = c.args[i]
            if o.isOption("nx") { f.nx = true } else if o.isOption("xx") { f.xx = true }
            else if o.isOption("gt") { f.gt = true } else if o.isOption("lt") { f.lt = true }
            else if o.isOption("ch") { f.ch = true } else if o.isOption("incr") { f.incr = true }
            else { break }
            i += 1
        }
        let pairs = c.args.count - i
        guard pairs > 0, pairs % 2 == 0 else { throw .syntax }
        if f.nx && f.xx { throw CommandError("ERR XX and NX options at the same time are not compatible") }
        if (f.gt && f.nx) || (f.lt && f.nx) || (f.gt && f.lt) {
            throw CommandError("ERR GT, LT, and/or NX options at the same time are not compatible")
        }
        if f.incr && pairs > 2 { throw CommandError("ERR INCR option supports a single increment-element pair") }
        var items: [(Double, ByteKey)] = []
        var j = i
        while j < c.args.count {
            items.append((try Numbers.double(c.args[j]), ByteKey(c.args[j + 1])))
            j += 2
        }
        if f.xx, try c.zset(c.key(1)) == nil { return f.incr ? .nullBulk : .integer(0) }
        let result = try c.modifyZSet(c.key(1), create: true) { (z: inout SortedSet) throws(CommandError) -> RESPValue in
            var added = 0, changed = 0
            var incrResult: Double? = nil
            for (score, member) in items {
                let current = z.score(member)
                var new = score
                if let cur = current {
                    if f.nx { continue }
                    if f.incr {
                        new = cur + score
                        if new.isNaN { throw CommandError("ERR resulting score is not a number (NaN)") }
                    }
                    if (f.gt && !(new > cur)) || (f.lt && !(new < cur)) { continue }
                    incrResult = new
                    if new != cur { z.set(member, new); changed += 1 }
                } else {
                    if f.xx { continue }
                    z.set(member, new)
                    added += 1
                    incrResult = new
                }
            }
            if f.incr { return incrResult.map { .double($0) } ?? .nullBulk }
            return .int(f.ch ? added + changed : added)
        }
        return result ?? .integer(0)
    }

    static func zincrby(_ c: CommandContext) throws(CommandError) -> RESPValue {
        let by = try Numbers.double(c.args[2])
        let m = ByteKey(c.args[3])
        let n = try c.modifyZSet(c.key(1), create: true) { (z: inout SortedSet) throws(CommandError) -> Double in
            let new = (z.score(m) ?? 0) + by
            if new.isNaN { throw CommandError("ERR resulting score is not a number (NaN)") }
            z.set(m, new)
            return new
        }
        return .double(n ?? by)
    }

    static func zrem(_ c: CommandContext) throws(CommandError) -> RESPValue {
        let args = c.args
        let n = try c.modifyZSet(c.key(1), create: false) { (z: inout SortedSet) throws(CommandError) -> Int in
            var n = 0
            for i in 2..<args.count where z.remove(ByteKey(args[i])) { n += 1 }
            return n
        }
        return .int(n ?? 0)
    }

    static func zcard(_ c: CommandContext) throws(CommandError) -> RESPValue {
        .int(try c.zset(c.key(1))?.count ?? 0)
    }

    static func zcount(_ c: CommandContext) throws(CommandError) -> RESPValue {
        let lo = try ScoreBound.parse(c.args[2]), hi = try ScoreBound.parse(c.args[3])
        return .int(try c.zset(c.key(1))?.ranks(min: lo, max: hi).count ?? 0)
    }

    static func zlexcount(_ c: CommandContext) throws(CommandError) -> RESPValue {
        let lo = try LexBound.parse(c.args[2]), hi = try LexBound.parse(c.args[3])
        return .int(try c.zset(c.key(1))?.ranks(min: lo, max: hi).count ?? 0)
    }

    static func zscore(_ c: CommandContext) throws(CommandError) -> RESPValue {
        guard let s = try c.zset(c.key(1))?.score(ByteKey(c.args[2])) else { return .nullBulk }
        return .double(s)
    }

    static func zmscore(_ c: CommandContext) throws(CommandError) -> RESPValue {
        let z = try c.zset(c.key(1))
        return .array((2..<c.args.count).map { i in z?.score(ByteKey(c.args[i])).map { .double($0) } ?? .nullBulk })
    }

    /// ZRANK / ZREVRANK key member [WITHSCORE].
    static func zrank(_ c: CommandContext) throws(CommandError) -> RESPValue {
        guard c.args.count <= 4 else { throw .syntax }
        let withScore = c.args.count == 4
        if withScore && !c.args[3].isOption("withscore") { throw .syntax }
        let m = ByteKey(c.args[2])
        guard let z = try c.zset(c.key(1)), let r = z.rank(m) else { return withScore ? .array(nil) : .nullBulk }
        let rank = c.command.name == "zrevrank" ? z.count - 1 - r : r
        return withScore ? .array([.int(rank), .double(z.score(m)!)]) : .int(rank)
    }

    /// ZRANDMEMBER key [count [WITHSCORES]]: a read, answered from this replica alone.
    static func zrandmember(_ c: CommandContext) throws(CommandError) -> RESPValue {
        guard c.args.count <= 4 else { throw .syntax }
        if c.args.count == 4 && !c.args[3].isOption("withscores") { throw .syntax }
        let scores = c.args.count == 4
        var count: Int64? = nil
        if c.args.count >= 3 {
            let n = try Numbers.int(c.args[2])
            guard n.magnitude <= 1 << 24 else { throw CommandError("ERR value is out of range") }
            count = n
        }
        guard let z = try c.zset(c.key(1)) else { return count == nil ? .nullBulk : .array([]) }
        guard let count else { return .bulkString(z.element(at: Int.random(in: 0..<z.count)).member.bytes) }
        let picked: [(member: ByteKey, score: Double)]
        if count < 0 {
            picked = (0..<Int(-count)).map { _ in z.element(at: Int.random(in: 0..<z.count)) }
        } else {
            picked = (0..<z.count).shuffled().prefix(Int(count)).map { z.element(at: $0) }
        }
        return withScoresReply(picked, scores: scores)
    }

    /// ZSCAN replies member, score pairs, the scores as strings (in RESP3 too, as Redis does).
    static func zscan(_ c: CommandContext) throws(CommandError) -> RESPValue {
        let scan = try ElementScan.parse(c.args)
        let all = try c.zset(c.key(1))?.all ?? []
        let (next, found) = scan.page(all) { $0.member.bytes }
        var items: [RESPValue] = []
        for (m, s) in found {
            items.append(.bulkString(m.bytes))
            items.append(.bulk(RESPEncoder.formatDouble(s)))
        }
        return ElementScan.reply(next, items)
    }
}
