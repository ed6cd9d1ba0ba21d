import RESP
import Testing
import struct RaftCore.SplitMix64
@testable import KeyValueStore

/// Member, score, member, score... as WITHSCORES replies.
func scored(_ pairs: (String, Double)...) -> RESPValue {
    .array(pairs.flatMap { [bulk($0.0), RESPValue.double($0.1)] })
}

@Suite struct SortedSetCommandTests {
    @Test func zaddCountsNewMembersAndOrdersByScoreThenMember() {
        let h = Harness()
        #expect(h.run("zadd", "z", "1", "b", "1", "a", "2", "c") == .integer(3))
        #expect(h.run("zadd", "z", "0.5", "c") == .integer(0))
        #expect(h.run("zrange", "z", "0", "-1", "WITHSCORES") == scored(("c", 0.5), ("a", 1), ("b", 1)))
        #expect(h.run("type", "z") == .simpleString("zset"))
        #expect(h.run("zcard", "z") == .integer(3))
        #expect(h.run("zscore", "z", "c") == .double(0.5))
        #expect(h.run("zscore", "z", "nope") == .nullBulk)
        #expect(h.run("zmscore", "z", "a", "nope") == .array([.double(1), .nullBulk]))
    }

    @Test func zaddOptionsFollowRedis() {
        let h = Harness()
        h.run("zadd", "z", "1", "a", "2", "b", "3", "c")
        #expect(h.run("zadd", "z", "nx", "xx", "1", "a") == .error("ERR XX and NX options at the same time are not compatible"))
        #expect(h.run("zadd", "z", "gt", "lt", "1", "a") == .error("ERR GT, LT, and/or NX options at the same time are not compatible"))
        #expect(h.run("zadd", "z", "incr", "1", "a", "2", "b") == .error("ERR INCR option supports a single increment-element pair"))
        #expect(h.run("zadd", "z", "x", "a") == .error("ERR value is not a valid float"))
        #expect(h.run("zadd", "z", "1", "a", "2") == syntaxError)
        #expect(h.run("zadd", "z", "incr", "5", "a") == .double(6))
        #expect(h.run("zadd", "z", "xx", "incr", "5", "zz") == .nullBulk)
        #expect(h.run("zadd", "z", "nx", "incr", "5", "a") == .nullBulk)
        // GT only raises; CH counts changed scores too; new members are still added.
        #expect(h.run("zadd", "z", "ch", "gt", "0", "a", "10", "b", "4", "d") == .integer(2))
        #expect(h.run("zrange", "z", "0", "-1", "withscores") == scored(("c", 3), ("d", 4), ("a", 6), ("b", 10)))
        #expect(h.run("zadd", "z", "lt", "ch", "1", "b", "20", "c") == .integer(1))
        #expect(h.run("zadd", "z", "xx", "1", "new") == .integer(0))
        #expect(h.run("zadd", "z", "nx", "100", "a") == .integer(0))
        #expect(h.run("zscore", "z", "a") == .double(6))
        #expect(h.run("zadd", "missing", "xx", "1", "a") == .integer(0))
        #expect(h.run("exists", "missing") == .integer(0))
    }

    @Test func zincrbyAndNaN() {
        let h = Harness()
        #expect(h.run("zincrby", "z", "2.5", "m") == .double(2.5))
        #expect(h.run("zincrby", "z", "-1", "m") == .double(1.5))
        #expect(h.run("zincrby", "z", "x", "m") == .error("ERR value is not a valid float"))
        h.run("zadd", "z", "inf", "i")
        #expect(h.run("zincrby", "z", "-inf", "i") == .error("ERR resulting score is not a number (NaN)"))
        #expect(h.run("zscore", "z", "i") == .double(.infinity))
        // Scores print as Redis prints them: integers without a fraction, inf, shortest digits.
        #expect(RESPEncoder.encode(h.run("zscore", "z", "i"), version: .resp2) == Array("$3\r\ninf\r\n".utf8))
        #expect(RESPEncoder.encode(h.run("zscore", "z", "m"), version: .resp3) == Array(",1.5\r\n".utf8))
        h.run("zadd", "z", "-0", "negzero")
        #expect(RESPEncoder.encode(h.run("zscore", "z", "negzero"), version: .resp2) == Array("$1\r\n0\r\n".utf8))
    }

    @Test func zremDeletesTheKeyWhenEmptyAndTypesAreChecked() {
        let h = Harness()
        h.run("zadd", "z", "1", "a", "2", "b")
        #expect(h.run("zrem", "z", "a", "nope") == .integer(1))
        #expect(h.run("zrem", "z", "b") == .integer(1))
        #expect(h.run("exists", "z") == .integer(0))
        h.run("set", "s", "v")
        #expect(h.run("zadd", "s", "1", "a") == wrongType)
        #expect(h.run("zrange", "s", "0", "1") == wrongType)
        #expect(h.run("zunionstore", "d", "1", "s") == wrongType)
    }

    @Test func zcountAndZlexcountTakeRedisRanges() {
        let h = Harness()
        h.run("zadd", "z", "1", "a", "2", "b", "3", "c")
        #expect(h.run("zcount", "z", "-inf", "+inf") == .integer(3))
        #expect(h.run("zcount", "z", "(1", "3") == .integer(2))
        #expect(h.run("zcount", "z", "(1", "(3") == .integer(1))
        #expect(h.run("zcount", "z", "3", "1") == .integer(0))
        #expect(h.run("zcount", "z", "x", "1") == .error("ERR min or max is not a float"))
        h.run("zadd", "l", "0", "a", "0", "b", "0", "c", "0", "d")
        #expect(h.run("zlexcount", "l", "-", "+") == .integer(4))
        #expect(h.run("zlexcount", "l", "[b", "(d") == .integer(2))
        #expect(h.run("zlexcount", "l", "(a", "[c") == .integer(2))
        #expect(h.run("zlexcount", "l", "a", "b") == .error("ERR min or max not valid string range item"))
    }

    @Test func zrankAndZrevrankWithScore() {
        let h = Harness()
        h.run("zadd", "z", "1", "a", "2", "b", "3", "c")
        #expect(h.run("zrank", "z", "a") == .integer(0))
        #expect(h.run("zrevrank", "z", "a") == .integer(2))
        #expect(h.run("zrank", "z", "b", "WITHSCORE") == .array([.integer(1), .double(2)]))
        #expect(h.run("zrank", "z", "nope") == .nullBulk)
        #expect(h.run("zrank", "z", "nope", "withscore") == .array(nil))
        #expect(h.run("zrank", "z", "a", "bogus") == syntaxError)
    }

    @Test func zrangeFormsByRankScoreAndLex() {
        let h = Harness()
        h.run("zadd", "z", "1", "a", "2", "b", "3", "c", "4", "d")
        #expect(h.run("zrange", "z", "0", "1") == bulks("a", "b"))
        #expect(h.run("zrange", "z", "-2", "-1") == bulks("c", "d"))
        #expect(h.run("zrange", "z", "0", "1", "REV") == bulks("d", "c"))
        #expect(h.run("zrevrange", "z", "0", "0", "withscores") == scored(("d", 4)))
        #expect(h.run("zrange", "z", "(1", "3", "BYSCORE") == bulks("b", "c"))
        #expect(h.run("zrange", "z", "+inf", "-inf", "BYSCORE", "REV", "LIMIT", "1", "2") == bulks("c", "b"))
        #expect(h.run("zrangebyscore", "z", "(1", "+inf", "LIMIT", "0", "2") == bulks("b", "c"))
        #expect(h.run("zrangebyscore", "z", "-inf", "+inf", "LIMIT", "-1", "2") == bulks())
        #expect(h.run("zrevrangebyscore", "z", "3", "1", "withscores") == scored(("c", 3), ("b", 2), ("a", 1)))
        #expect(h.run("zrange", "z", "0", "1", "limit", "0", "1") == .error("ERR syntax error, LIMIT is only supported in combination with either BYSCORE or BYLEX"))
        #expect(h.run("zrange", "z", "[a", "[b", "bylex", "withscores") == .error("ERR syntax error, WITHSCORES not supported in combination with BYLEX"))
        #expect(h.run("zrangebyscore", "z", "x", "1") == .error("ERR min or max is not a float"))
        #expect(h.run("zrange", "z", "0", "1", "bogus") == syntaxError)
        h.run("zadd", "l", "0", "a", "0", "b", "0", "c", "0", "d", "0", "e")
        #expect(h.run("zrangebylex", "l", "-", "[c") == bulks("a", "b", "c"))
        #expect(h.run("zrangebylex", "l", "(b", "+", "LIMIT", "1", "2") == bulks("d", "e"))
        #expect(h.run("zrevrangebylex", "l", "[c", "-") == bulks("c", "b", "a"))
        #expect(h.run("zrange", "l", "(e", "[b", "BYLEX", "REV") == bulks("d", "c", "b"))
        #expect(h.run("zrangebylex", "l", "a", "b") == .error("ERR min or max not valid string range item"))
        #expect(h.run("zrange", "none", "0", "-1") == bulks())
    }

    @Test func zrangestoreWritesOrDeletesTheDestination() {
        let h = Harness()
        h.run("zadd", "z", "1", "a", "2", "b", "3", "c")
        #expect(h.run("zrangestore", "d", "z", "1", "-1") == .integer(2))
        #expect(h.run("zrange", "d", "0", "-1", "withscores") == scored(("b", 2), ("c", 3)))
        #expect(h.run("zrangestore", "d", "z", "(1", "2", "byscore") == .integer(1))
        #expect(h.run("zrangestore", "d", "z", "5", "6", "byscore") == .integer(0))
        #expect(h.run("exists", "d") == .integer(0))
        #expect(h.run("zrangestore", "d", "z", "0", "1", "withscores") == syntaxError)
    }

    @Test func zremrangeByRankScoreAndLex() {
        let h = Harness()
        h.run("zadd", "z", "1", "a", "2", "b", "3", "c", "4", "d", "5", "e")
        #expect(h.run("zremrangebyrank", "z", "0", "1") == .integer(2))
        #expect(h.run("zremrangebyscore", "z", "(3", "4") == .integer(1))
        #expect(h.run("zrange", "z", "0", "-1") == bulks("c", "e"))
        h.run("zadd", "l", "0", "a", "0", "b", "0", "c")
        #expect(h.run("zremrangebylex", "l", "[a", "(c") == .integer(2))
        #expect(h.run("zremrangebylex", "l", "-", "+") == .integer(1))
        #expect(h.run("exists", "l") == .integer(0))
    }

    @Test func zpopAndZmpop() {
        let h = Harness()
        h.run("zadd", "z", "1", "a", "2", "b", "3", "c", "4", "d")
        #expect(h.run("zpopmin", "z") == scored(("a", 1)))
        #expect(h.run("zpopmax", "z", "2") == scored(("d", 4), ("c", 3)))
        #expect(h.run("zpopmin", "z", "-1") == .error("ERR value is out of range, must be positive"))
        #expect(h.run("zpopmin", "none") == .array([]))
        h.run("zadd", "y", "7", "x")
        #expect(h.run("zmpop", "3", "none", "z", "y", "MIN", "COUNT", "5") == .array([bulk("z"), .array([.array([bulk("b"), .double(2)])])]))
        #expect(h.run("zmpop", "2", "z", "y", "max") == .array([bulk("y"), .array([.array([bulk("x"), .double(7)])])]))
        #expect(h.run("zmpop", "1", "none", "min") == .array(nil))
        #expect(h.run("zmpop", "0", "z", "min") == .error("ERR numkeys should be greater than 0"))
        #expect(h.run("zmpop", "1", "z", "min", "count", "0") == .error("ERR count should be greater than 0"))
        #expect(h.run("zmpop", "1", "z", "middle") == syntaxError)
    }

    @Test func unionInterDiffWithWeightsAndAggregates() {
        let h = Harness()
        h.run("zadd", "z1", "1", "a", "2", "b")
        h.run("zadd", "z2", "1", "a", "2", "b", "3", "c")
        h.run("sadd", "s", "a", "d")
        #expect(h.run("zunionstore", "out", "2", "z1", "z2", "WEIGHTS", "2", "3") == .integer(3))
        #expect(h.run("zrange", "out", "0", "-1", "withscores") == scored(("a", 5), ("c", 9), ("b", 10)))
        #expect(h.run("zinter", "2", "z1", "z2", "aggregate", "max", "withscores") == scored(("a", 1), ("b", 2)))
        #expect(h.run("zinterstore", "out", "2", "z1", "z2", "aggregate", "min") == .integer(2))
        #expect(h.run("zdiff", "2", "z2", "z1", "withscores") == scored(("c", 3)))
        #expect(h.run("zdiffstore", "out", "2", "z1", "z2") == .integer(0))
        #expect(h.run("exists", "out") == .integer(0))
        // A plain set counts every member with score 1.
        #expect(h.run("zunion", "2", "z1", "s", "withscores") == scored(("d", 1), ("a", 2), ("b", 2)))
        #expect(h.run("zinter", "2", "z1", "missing") == bulks())
        #expect(h.run("zintercard", "2", "z1", "z2") == .integer(2))
        #expect(h.run("zintercard", "2", "z1", "z2", "limit", "1") == .integer(1))
        #expect(h.run("zunionstore", "d", "0", "z1") == .error("ERR at least 1 input key is needed for 'zunionstore' command"))
        #expect(h.run("zunion", "1", "z1", "weights", "x") == .error("ERR weight value is not a float"))
        #expect(h.run("zinterstore", "d", "2", "z1") == syntaxError)
        #expect(h.run("zunion", "1", "z1", "aggregate", "avg") == syntaxError)
        #expect(h.run("zdiff", "1", "z1", "weights", "1") == syntaxError)
        // inf x 0 is NaN, which counts as 0.
        h.run("zadd", "inf", "inf", "m")
        #expect(h.run("zunion", "1", "inf", "weights", "0", "withscores") == scored(("m", 0)))
    }

    @Test func zrandmemberAndZscan() {
        let h = Harness()
        h.run("zadd", "z", "1", "a", "2", "b", "3", "c")
        guard case .array(let two?) = h.run("zrandmember", "z", "2", "withscores") else { Issue.record("not an array"); return }
        #expect(two.count == 4)
        guard case .array(let five?) = h.run("zrandmember", "z", "-5") else { Issue.record("not an array"); return }
        #expect(five.count == 5)
        #expect(h.run("zrandmember", "none") == .nullBulk)
        #expect(h.run("zrandmember", "z", "1", "bogus") == syntaxError)
        guard case .array(let page?) = h.run("zscan", "z", "0", "COUNT", "100"), case .array(let items?) = page[1] else {
            Issue.record("bad reply"); return
        }
        #expect(page[0] == bulk("0"))
        #expect(items.count == 6)
        #expect(items.contains(bulk("b")) && items.contains(bulk("2")))
    }

    /// ZADD and rank queries stay logarithmic: 20 000 members with ranks checked against a model.
    @Test func largeSetsKeepRanksRight() {
        let h = Harness()
        var rng = SplitMix64(seed: 7)
        var model: [String: Double] = [:]
        for i in 0..<20_000 {
            let m = "m\(rng.next() % 5000)"
            let s = Double(rng.next() % 1000) / 4
            if i % 5 == 4 { h.run("zrem", "z", m); model[m] = nil } else { h.run("zadd", "z", "\(s)", m); model[m] = s }
        }
        let ordered = model.sorted { $0.value != $1.value ? $0.value < $1.value : ByteKey(Array($0.key.utf8)) < ByteKey(Array($1.key.utf8)) }
        #expect(h.run("zcard", "z") == .int(ordered.count))
        for k in stride(from: 0, to: ordered.count, by: 97) {
            #expect(h.run("zrank", "z", ordered[k].key) == .int(k))
            #expect(h.run("zrange", "z", "\(k)", "\(k)") == bulks(ordered[k].key))
        }
        let inRange = ordered.filter { $0.value >= 10 && $0.value < 20 }.map { bulk($0.key) }
        #expect(h.run("zrangebyscore", "z", "10", "(20") == .array(inRange))
    }
}
