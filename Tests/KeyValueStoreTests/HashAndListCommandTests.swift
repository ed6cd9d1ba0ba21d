import RESP
import Testing
@testable import KeyValueStore

@Suite struct HashCommandTests {
    @Test func hsetCountsNewFieldsAndHgetallIsAMap() {
        let h = Harness()
        #expect(h.run("hset", "h", "b", "2", "a", "1") == .integer(2))
        #expect(h.run("hset", "h", "a", "10", "c", "3") == .integer(1))
        #expect(h.run("hgetall", "h") == .map([.init(bulk("a"), bulk("10")), .init(bulk("b"), bulk("2")), .init(bulk("c"), bulk("3"))]))
        #expect(h.run("hget", "h", "a") == bulk("10"))
        #expect(h.run("hget", "h", "zz") == .nullBulk)
        #expect(h.run("hlen", "h") == .integer(3))
        #expect(h.run("hexists", "h", "b") == .integer(1))
        #expect(h.run("hkeys", "h") == bulks("a", "b", "c"))
        #expect(h.run("hvals", "h") == bulks("10", "2", "3"))
        #expect(h.run("hmget", "h", "a", "nope", "c") == .array([bulk("10"), .nullBulk, bulk("3")]))
        #expect(h.run("hset", "h", "x") == .error("ERR wrong number of arguments for 'hset' command"))
        #expect(h.run("hset", "h", "x", "1", "y") == .error("ERR wrong number of arguments for 'hset' command"))
        #expect(h.run("hgetall", "none") == .map([]))
    }

    @Test func hdelRemovesFieldsAndTheKeyWhenEmpty() {
        let h = Harness()
        h.run("hset", "h", "a", "1", "b", "2")
        #expect(h.run("hdel", "h", "a", "zz", "a") == .integer(1))
        #expect(h.run("hdel", "h", "b") == .integer(1))
        #expect(h.run("exists", "h") == .integer(0))
        #expect(h.run("hdel", "h", "b") == .integer(0))
    }

    @Test func hincrbyValidatesFieldAndOverflow() {
        let h = Harness()
        #expect(h.run("hincrby", "h", "n", "5") == .integer(5))
        #expect(h.run("hincrby", "h", "n", "-7") == .integer(-2))
        h.run("hset", "h", "s", "abc", "m", "9223372036854775807")
        #expect(h.run("hincrby", "h", "s", "1") == .error("ERR hash value is not an integer"))
        #expect(h.run("hincrby", "h", "m", "1") == .error("ERR increment or decrement would overflow"))
        #expect(h.run("hincrby", "h", "n", "x") == notInteger)
        h.run("set", "str", "v")
        #expect(h.run("hset", "str", "f", "v") == wrongType)
        #expect(h.run("hget", "str", "f") == wrongType)
    }
}

@Suite struct ListCommandTests {
    @Test func pushPopAtBothEnds() {
        let h = Harness()
        #expect(h.run("rpush", "l", "a", "b") == .integer(2))
        #expect(h.run("lpush", "l", "x", "y") == .integer(4))
        #expect(h.run("lrange", "l", "0", "-1") == bulks("y", "x", "a", "b"))
        #expect(h.run("lpop", "l") == bulk("y"))
        #expect(h.run("rpop", "l") == bulk("b"))
        #expect(h.run("lpop", "l", "5") == bulks("x", "a"))
        #expect(h.run("exists", "l") == .integer(0))
        #expect(h.run("lpop", "l") == .nullBulk)
        #expect(h.run("lpop", "l", "2") == .array(nil))
        h.run("rpush", "l", "a")
        #expect(h.run("rpop", "l", "0") == .array([]))
        #expect(h.run("rpop", "l", "-1") == .error("ERR value is out of range, must be positive"))
        #expect(h.run("rpop", "l", "1", "2") == .error("ERR wrong number of arguments for 'rpop' command"))
    }

    @Test func manyPushesAndPopsKeepOrder() {
        let h = Harness()
        var model: [String] = []
        for i in 0..<300 {
            if i % 3 == 0 { h.run("lpush", "l", "\(i)"); model.insert("\(i)", at: 0) }
            else if i % 7 == 0 { h.run("lpop", "l"); if !model.isEmpty { model.removeFirst() } }
            else if i % 11 == 0 { h.run("rpop", "l"); if !model.isEmpty { model.removeLast() } }
            else { h.run("rpush", "l", "\(i)"); model.append("\(i)") }
        }
        #expect(h.run("lrange", "l", "0", "-1") == .array(model.map(bulk)))
    }

    @Test func lrangeAndLindexNormalizeIndices() {
        let h = Harness()
        h.run("rpush", "l", "0", "1", "2", "3", "4")
        #expect(h.run("lrange", "l", "-2", "-1") == bulks("3", "4"))
        #expect(h.run("lrange", "l", "-100", "1") == bulks("0", "1"))
        #expect(h.run("lrange", "l", "3", "100") == bulks("3", "4"))
        #expect(h.run("lrange", "l", "4", "2") == .array([]))
        #expect(h.run("lrange", "l", "10", "20") == .array([]))
        #expect(h.run("lindex", "l", "-1") == bulk("4"))
        #expect(h.run("lindex", "l", "5") == .nullBulk)
        #expect(h.run("lindex", "l", "x") == notInteger)
        #expect(h.run("llen", "l") == .integer(5))
    }

    @Test func lsetErrorsOnMissingKeyAndBadIndex() {
        let h = Harness()
        #expect(h.run("lset", "l", "0", "x") == .error("ERR no such key"))
        h.run("rpush", "l", "a", "b")
        #expect(h.run("lset", "l", "-1", "z") == .ok)
        #expect(h.run("lset", "l", "2", "z") == .error("ERR index out of range"))
        #expect(h.run("lrange", "l", "0", "-1") == bulks("a", "z"))
    }

    @Test func lremCountSignChoosesDirection() {
        let h = Harness()
        h.run("rpush", "l", "a", "b", "a", "c", "a", "b", "a")
        #expect(h.run("lrem", "l", "2", "a") == .integer(2))
        #expect(h.run("lrange", "l", "0", "-1") == bulks("b", "c", "a", "b", "a"))
        #expect(h.run("lrem", "l", "-1", "b") == .integer(1))
        #expect(h.run("lrange", "l", "0", "-1") == bulks("b", "c", "a", "a"))
        #expect(h.run("lrem", "l", "0", "a") == .integer(2))
        #expect(h.run("lrange", "l", "0", "-1") == bulks("b", "c"))
        #expect(h.run("lrem", "l", "0", "zz") == .integer(0))
        #expect(h.run("lrem", "l", "0", "b") == .integer(1))
        #expect(h.run("lrem", "l", "0", "c") == .integer(1))
        #expect(h.run("exists", "l") == .integer(0))
    }

    @Test func ltrimKeepsRangeAndDeletesWhenEmpty() {
        let h = Harness()
        h.run("rpush", "l", "0", "1", "2", "3", "4")
        #expect(h.run("ltrim", "l", "1", "-2") == .ok)
        #expect(h.run("lrange", "l", "0", "-1") == bulks("1", "2", "3"))
        #expect(h.run("ltrim", "l", "5", "10") == .ok)
        #expect(h.run("exists", "l") == .integer(0))
        h.run("set", "s", "v")
        #expect(h.run("ltrim", "s", "0", "1") == wrongType)
        #expect(h.run("lpush", "s", "x") == wrongType)
    }
}
