// Sets: SADD SREM SMEMBERS SISMEMBER SMISMEMBER SCARD SPOP SRANDMEMBER SMOVE SINTER SINTERCARD
// SINTERSTORE SUNION SUNIONSTORE SDIFF SDIFFSTORE SSCAN.
// Members in replies are in byte order (Redis's order is unspecified; ours is the same on every
// replica). SPOP is a write whose choice is random: the leader's seed rides in the entry.

import RESP

enum SetCommands {
    static func register(in r: inout CommandRegistry) {
        r.register("sadd", kind: .write, arity: -3, handler: sadd)
        r.register("srem", kind: .write, arity: -3, handler: srem)
        r.register("smembers", kind: .read, arity: 2, handler: smembers)
        r.register("sismember", kind: .read, arity: 3, handler: sismember)
        r.register("smismember", kind: .read, arity: -3, handler: smismember)
        r.register("scard", kind: .read, arity: 2, handler: scard)
        r.register("spop", kind: .write, arity: -2, prepare: prepareSpop, handler: spop)
        r.register("srandmember", kind: .read, arity: -2, handler: srandmember)
        r.register("smove", kind: .write, arity: 4, handler: smove)
        r.register("sinter", kind: .read, arity: -2, handler: combine)
        r.register("sunion", kind: .read, arity: -2, handler: combine)
        r.register("sdiff", kind: .read, arity: -2, handler: combine)
        r.register("sinterstore", kind: .write, arity: -3, handler: combineStore)
        r.register("sunionstore", kind: .write, arity: -3, handler: combineStore)
        r.register("sdiffstore", kind: .write, arity: -3, handler: combineStore)
        r.register("sintercard", kind: .read, arity: -3, handler: sintercard)
        r.register("sscan", kind: .read, arity: -3, handler: sscan)
    }

    static func sortedReply(_ s: some Collection<ByteKey>) -> [RESPValue] {
        s.sorted().map { .bulkString($0.bytes) }
    }

    static func sadd(_ c: CommandContext) throws(CommandError) -> RESPValue {
        let args = c.args
        let n = try c.modifySet(c.key(1), create: true) { (s: inout Set<ByteKey>) throws(CommandError) -> Int in
            var n = 0
            for i in 2..<args.count where s.insert(ByteKey(args[i])).inserted { n += 1 }
            return n
        }
        return .int(n ?? 0)
    }

    static func srem(_ c: CommandContext) throws(CommandError) -> RESPValue {
        let args = c.args
        let n = try c.modifySet(c.key(1), create: false) { (s: inout Set<ByteKey>) throws(CommandError) -> Int in
            var n = 0
            for i in 2..<args.count where s.remove(ByteKey(args[i])) != nil { n += 1 }
            return n
        }
        return .int(n ?? 0)
    }

    static func smembers(_ c: CommandContext) throws(CommandError) -> RESPValue {
        .set(sortedReply(try c.set(c.key(1)) ?? []))
    }

    static func sismember(_ c: CommandContext) throws(CommandError) -> RESPValue {
        .int(try c.set(c.key(1))?.contains(ByteKey(c.args[2])) ?? false)
    }

    static func smismember(_ c: CommandContext) throws(CommandError) -> RESPValue {
        let s = try c.set(c.key(1))
        return .array((2..<c.args.count).map { .int(s?.contains(ByteKey(c.args[$0])) ?? false) })
    }

    static func scard(_ c: CommandContext) throws(CommandError) -> RESPValue {
        .int(try c.set(c.key(1))?.count ?? 0)
    }

    /// SPOP's count: nil without one.
    static func popCount(_ a: [[UInt8]]) throws(CommandError) -> Int? {
        guard a.count <= 3 else { throw .syntax }
        guard a.count == 3 else { return nil }
        let n = try Numbers.int(a[2])
        guard n >= 0 else { throw .mustBePositive }
        return Int(n)
    }

    static func prepareSpop(_ a: inout [[UInt8]], _ now: Int64) throws(CommandError) {
        _ = try popCount(a)
        LeaderSeed.append(to: &a)
    }

    static func spop(_ c: CommandContext) throws(CommandError) -> RESPValue {
        let (args, seed) = LeaderSeed.split(c.args, clock: c.now)
        let count = try popCount(args)
        guard let s = try c.set(c.key(1)) else { return count == nil ? .nullBulk : .set([]) }
        if count == 0 { return .set([]) }
        let chosen = SeededRandom.pick(min(count ?? 1, s.count), of: s, seed: seed)
        _ = try c.modifySet(c.key(1), create: false) { (s: inout Set<ByteKey>) throws(CommandError) in
            for m in chosen { s.remove(m) }
        }
        if count == nil { return .bulkString(chosen.first?.bytes) }
        return .set(chosen.map { .bulkString($0.bytes) })
    }

    /// A read: answered from this replica alone, so plain randomness is fine.
    static func srandmember(_ c: CommandContext) throws(CommandError) -> RESPValue {
        guard c.args.count <= 3 else { throw .syntax }
        var count: Int64? = nil
        if c.args.count == 3 {
            let n = try Numbers.int(c.args[2])
            guard n.magnitude <= 1 << 24 else { throw CommandError("ERR value is out of range") }
            count = n
        }
        guard let s = try c.set(c.key(1)) else { return count == nil ? .nullBulk : .array([]) }
        guard let count else { return .bulkString(s.randomElement()!.bytes) }
        let members = Array(s)
        if count < 0 {
            return .array((0..<Int(-count)).map { _ in .bulkString(members.randomElement()!.bytes) })
        }
        return .array(members.shuffled().prefix(Int(count)).map { .bulkString($0.bytes) })
    }

    static func smove(_ c: CommandContext) throws(CommandError) -> RESPValue {
        let src = c.key(1), dst = c.key(2), m = ByteKey(c.args[3])
        guard let s = try c.set(src) else { return .integer(0) }
        _ = try c.set(dst)  // WRONGTYPE before anything moves
        guard s.contains(m) else { return .integer(0) }
        if src == dst { return .integer(1) }
        _ = try c.modifySet(src, create: false) { (s: inout Set<ByteKey>) throws(CommandError) in s.remove(m) }
        _ = try c.modifySet(dst, create: true) { (s: inout Set<ByteKey>) throws(CommandError) in s.insert(m) }
        return .integer(1)
    }

    enum Op { case inter, union, diff }

    static func op(_ name: String) -> Op {
        name.hasPrefix("sinter") ? .inter : name.hasPrefix("sunion") ? .union : .diff
    }

    /// The result of SINTER/SUNION/SDIFF over `keys`; every key is type-checked first.
    static func compute(_ c: CommandContext, _ op: Op, _ keys: ArraySlice<[UInt8]>) throws(CommandError) -> Set<ByteKey> {
        var sets: [Set<ByteKey>?] = []
        for k in keys { sets.append(try c.set(ByteKey(k))) }
        switch op {
        case .union:
            var out = Set<ByteKey>()
            for s in sets { if let s { out.formUnion(s) } }
            return out
        case .inter:
            guard var out = sets.compactMap({ $0 }).min(by: { $0.count < $1.count }), !sets.contains(where: { $0 == nil }) else {
                return []
            }
            for s in sets { out.formIntersection(s!) }
            return out
        case .diff:
            guard var out = sets.first ?? nil else { return [] }
            for s in sets.dropFirst() { if let s { out.subtract(s) } }
            return out
        }
    }

    static func combine(_ c: CommandContext) throws(CommandError) -> RESPValue {
        .set(sortedReply(try compute(c, op(c.command.name), c.args[1...])))
    }

    static func combineStore(_ c: CommandContext) throws(CommandError) -> RESPValue {
        let result = try compute(c, op(c.command.name), c.args[2...])
        c.storeResult(c.key(1), .set(result), empty: result.isEmpty)
        return .int(result.count)
    }

    /// `numkeys key [key ...]` and the position after the keys (SINTERCARD, ZINTERCARD, *MPOP).
    static func numkeys(_ a: [[UInt8]], at i: Int) throws(CommandError) -> Int {
        guard let n = Numbers.parseInt(a[i]), n > 0 else { throw CommandError("ERR numkeys should be greater than 0") }
        guard n <= Int64(a.count - i - 1) else { throw CommandError("ERR Number of keys can't be greater than number of args") }
        return Int(n)
    }

    /// `[LIMIT limit]` after the keys; 0 means no limit.
    static func limitOption(_ a: [[UInt8]], from i: Int) throws(CommandError) -> Int {
        var limit = 0
        var j = i
        while j < a.count {
            guard a[j].isOption("limit"), j + 1 < a.count else { throw .syntax }
            guard let n = Numbers.parseInt(a[j + 1]) else { throw .notInteger }
            guard n >= 0 else { throw CommandError("ERR LIMIT can't be negative") }
            limit = Int(n)
            j += 2
        }
        return limit
    }

    static func sintercard(_ c: CommandContext) throws(CommandError) -> RESPValue {
        let n = try numkeys(c.args, at: 1)
        let limit = try limitOption(c.args, from: 2 + n)
        let count = try compute(c, .inter, c.args[2..<2 + n]).count
        return .int(limit > 0 ? min(limit, count) : count)
    }

    static func sscan(_ c: CommandContext) throws(CommandError) -> RESPValue {
        let scan = try ElementScan.parse(c.args)
        let members = Array(try c.set(c.key(1)) ?? [])
        let (next, found) = scan.page(members) { $0.bytes }
        return ElementScan.reply(next, found.map { .bulkString($0.bytes) })
    }
}
