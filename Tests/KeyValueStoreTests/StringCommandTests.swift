import RESP
import Testing
@testable import KeyValueStore

@Suite struct StringCommandTests {
    @Test func setWithNXAndXXOnlyWritesWhenConditionHolds() {
        let h = Harness()
        #expect(h.run("set", "k", "1", "XX") == .nullBulk)
        #expect(h.run("get", "k") == .nullBulk)
        #expect(h.run("set", "k", "1", "NX") == .ok)
        #expect(h.run("set", "k", "2", "NX") == .nullBulk)
        #expect(h.run("set", "k", "3", "xx") == .ok)
        #expect(h.run("get", "k") == bulk("3"))
        #expect(h.run("set", "k", "4", "NX", "XX") == syntaxError)
    }

    @Test func setGetReturnsOldValueAndRejectsWrongType() {
        let h = Harness()
        #expect(h.run("set", "k", "a", "GET") == .nullBulk)
        #expect(h.run("set", "k", "b", "GET") == bulk("a"))
        #expect(h.run("set", "k", "c", "NX", "GET") == bulk("b"))
        #expect(h.run("get", "k") == bulk("b"))
        h.run("rpush", "l", "x")
        #expect(h.run("set", "l", "v", "GET") == wrongType)
        #expect(h.run("type", "l") == .simpleString("list"))
    }

    @Test func setExpiryOptionsValidateLikeRedis() {
        let h = Harness()
        #expect(h.run("set", "k", "v", "EX", "0") == .error("ERR invalid expire time in 'set' command"))
        #expect(h.run("set", "k", "v", "PX", "-5") == .error("ERR invalid expire time in 'set' command"))
        #expect(h.run("set", "k", "v", "EX", "abc") == notInteger)
        #expect(h.run("set", "k", "v", "EX", "9223372036854775807") == .error("ERR invalid expire time in 'set' command"))
        #expect(h.run("set", "k", "v", "EX", "10", "PX", "100") == syntaxError)
        #expect(h.run("set", "k", "v", "EX", "10", "KEEPTTL") == syntaxError)
        #expect(h.run("set", "k", "v", "EX") == syntaxError)
        #expect(h.store.storedCount == 0)
    }

    @Test func setExKeepTTLAndPlainSetInteractWithTTL() {
        let h = Harness()
        #expect(h.run("set", "k", "v", "EX", "100") == .ok)
        #expect(h.run("ttl", "k") == .integer(100))
        h.advance(ms: 30_000)
        #expect(h.run("set", "k", "w", "KEEPTTL") == .ok)
        #expect(h.run("ttl", "k") == .integer(70))
        #expect(h.run("set", "k", "x") == .ok)
        #expect(h.run("ttl", "k") == .integer(-1))
        #expect(h.run("set", "k", "y", "PXAT", String(h.now + 1500)) == .ok)
        #expect(h.run("pttl", "k") == .integer(1500))
        #expect(h.run("set", "k", "z", "EXAT", String(h.now / 1000 + 10)) == .ok)
        #expect(h.run("expiretime", "k") == .integer(h.now / 1000 + 10))
    }

    @Test func keyExpiresWhenItsDeadlinePasses() {
        let h = Harness()
        h.run("setex", "k", "2", "v")
        h.run("psetex", "p", "500", "v")
        #expect(h.run("get", "k") == bulk("v"))
        h.advance(ms: 1999)
        #expect(h.run("get", "p") == .nullBulk)
        #expect(h.run("get", "k") == bulk("v"))
        h.advance(ms: 1)
        #expect(h.run("get", "k") == .nullBulk)
        #expect(h.run("exists", "k", "p") == .integer(0))
        #expect(h.run("setex", "k", "0", "v") == .error("ERR invalid expire time in 'setex' command"))
        #expect(h.run("psetex", "k", "-1", "v") == .error("ERR invalid expire time in 'psetex' command"))
        // A write at the new time sweeps the expired keys out of storage.
        h.run("set", "other", "1")
        #expect(h.store.storedCount == 1)
    }

    @Test func setnxGetsetGetdelMsetnx() {
        let h = Harness()
        #expect(h.run("setnx", "a", "1") == .integer(1))
        #expect(h.run("setnx", "a", "2") == .integer(0))
        #expect(h.run("getset", "a", "3") == bulk("1"))
        #expect(h.run("getdel", "a") == bulk("3"))
        #expect(h.run("getdel", "a") == .nullBulk)
        #expect(h.run("msetnx", "a", "1", "b", "2") == .integer(1))
        #expect(h.run("msetnx", "b", "9", "c", "3") == .integer(0))
        #expect(h.run("mget", "a", "b", "c") == .array([bulk("1"), bulk("2"), .nullBulk]))
        h.run("hset", "h", "f", "v")
        #expect(h.run("mget", "h", "a") == .array([.nullBulk, bulk("1")]))
    }

    @Test func getexChangesOrRemovesTTL() {
        let h = Harness()
        h.run("set", "k", "v")
        #expect(h.run("getex", "k", "EX", "10") == bulk("v"))
        #expect(h.run("ttl", "k") == .integer(10))
        #expect(h.run("getex", "k", "PERSIST") == bulk("v"))
        #expect(h.run("ttl", "k") == .integer(-1))
        #expect(h.run("getex", "k", "PX", "0") == .error("ERR invalid expire time in 'getex' command"))
        #expect(h.run("getex", "k", "EX") == syntaxError)
        #expect(h.run("getex", "missing", "EX", "5") == .nullBulk)
        #expect(h.run("getex", "k") == bulk("v"))
    }

    @Test func appendStrlenAndSetrange() {
        let h = Harness()
        #expect(h.run("append", "k", "Hello") == .integer(5))
        #expect(h.run("append", "k", " World") == .integer(11))
        #expect(h.run("strlen", "k") == .integer(11))
        #expect(h.run("strlen", "none") == .integer(0))
        #expect(h.run("setrange", "k", "6", "Redis") == .integer(11))
        #expect(h.run("get", "k") == bulk("Hello Redis"))
        #expect(h.run("setrange", "z", "3", "ab") == .integer(5))
        #expect(h.run("get", "z") == .bulkString([0, 0, 0, 97, 98]))
        #expect(h.run("setrange", "k", "-1", "x") == .error("ERR offset is out of range"))
        #expect(h.run("setrange", "empty", "5", "") == .integer(0))
        #expect(h.run("exists", "empty") == .integer(0))
        #expect(h.run("setrange", "k", "536870911", "xy") == .error("ERR string exceeds maximum allowed size (proto-max-bulk-len)"))
    }

    @Test func getrangeHandlesNegativeAndOutOfRangeIndices() {
        let h = Harness()
        h.run("set", "k", "Hello World")
        #expect(h.run("getrange", "k", "0", "3") == bulk("Hell"))
        #expect(h.run("getrange", "k", "0", "-1") == bulk("Hello World"))
        #expect(h.run("getrange", "k", "-4", "-1") == bulk("orld"))
        #expect(h.run("getrange", "k", "5", "3") == bulk(""))
        #expect(h.run("getrange", "k", "5", "5000") == bulk(" World"))
        #expect(h.run("getrange", "k", "-5000", "10000") == bulk("Hello World"))
        #expect(h.run("getrange", "k", "-1", "-5") == bulk(""))
        #expect(h.run("getrange", "missing", "0", "-1") == bulk(""))
        #expect(h.run("getrange", "k", "a", "1") == notInteger)
    }

    @Test func setbitAndGetbit() {
        let h = Harness()
        #expect(h.run("setbit", "b", "7", "1") == .integer(0))
        #expect(h.run("get", "b") == .bulkString([1]))
        #expect(h.run("setbit", "b", "7", "0") == .integer(1))
        #expect(h.run("setbit", "b", "10", "1") == .integer(0))
        #expect(h.run("getbit", "b", "10") == .integer(1))
        #expect(h.run("getbit", "b", "100") == .integer(0))
        #expect(h.run("setbit", "b", "-1", "1") == .error("ERR bit offset is not an integer or out of range"))
        #expect(h.run("setbit", "b", "1", "2") == .error("ERR bit is not an integer or out of range"))
        h.run("lpush", "l", "x")
        #expect(h.run("setbit", "l", "1", "1") == wrongType)
    }

    @Test func incrFamilyParsesStrictlyAndDetectsOverflow() {
        let h = Harness()
        #expect(h.run("incr", "n") == .integer(1))
        #expect(h.run("incrby", "n", "10") == .integer(11))
        #expect(h.run("decr", "n") == .integer(10))
        #expect(h.run("decrby", "n", "20") == .integer(-10))
        h.run("set", "n", "9223372036854775806")
        #expect(h.run("incr", "n") == .integer(Int64.max))
        #expect(h.run("incr", "n") == .error("ERR increment or decrement would overflow"))
        #expect(h.run("get", "n") == bulk("9223372036854775807"))
        h.run("set", "m", "-9223372036854775808")
        #expect(h.run("decr", "m") == .error("ERR increment or decrement would overflow"))
        #expect(h.run("decrby", "x", "-9223372036854775808") == .error("ERR decrement would overflow"))
        for bad in [" 1", "1 ", "01", "+1", "1.0", "", "-0", "9223372036854775808", "abc"] {
            h.run("set", "s", bad)
            #expect(h.run("incr", "s") == notInteger, "value \(bad)")
        }
        #expect(h.run("incrby", "n2", "x") == notInteger)
        h.run("hset", "h", "f", "1")
        #expect(h.run("incr", "h") == wrongType)
    }

    @Test func incrKeepsTheTTL() {
        let h = Harness()
        h.run("set", "n", "1", "EX", "100")
        h.run("incr", "n")
        #expect(h.run("ttl", "n") == .integer(100))
    }

    @Test func incrbyfloatFormatsLikeRedis() {
        let h = Harness()
        h.run("set", "f", "10.50")
        #expect(h.run("incrbyfloat", "f", "0.1") == bulk("10.6"))
        #expect(h.run("incrbyfloat", "f", "-5") == bulk("5.6"))
        h.run("set", "g", "5.0e3")
        #expect(h.run("incrbyfloat", "g", "2.0e2") == bulk("5200"))
        #expect(h.run("incrbyfloat", "big", "1e20") == bulk("100000000000000000000"))
        #expect(h.run("incrbyfloat", "small", "1e-5") == bulk("0.00001"))
        #expect(h.run("incrbyfloat", "f", "abc") == .error("ERR value is not a valid float"))
        #expect(h.run("incrbyfloat", "f", "inf") == .error("ERR increment would produce NaN or Infinity"))
        h.run("set", "s", "hello")
        #expect(h.run("incrbyfloat", "s", "1") == .error("ERR value is not a valid float"))
    }

    @Test func lcsReturnsStringLengthAndIndices() {
        let h = Harness()
        h.run("mset", "key1", "ohmytext", "key2", "mynewtext")
        #expect(h.run("lcs", "key1", "key2") == bulk("mytext"))
        #expect(h.run("lcs", "key1", "key2", "LEN") == .integer(6))
        let idx = h.run("lcs", "key1", "key2", "IDX", "MINMATCHLEN", "4", "WITHMATCHLEN")
        #expect(idx == .map([
            .init(bulk("matches"), .array([.array([.array([.integer(4), .integer(7)]), .array([.integer(5), .integer(8)]), .integer(4)])])),
            .init(bulk("len"), .integer(6)),
        ]))
        let all = h.run("lcs", "key1", "key2", "IDX")
        #expect(all == .map([
            .init(bulk("matches"), .array([
                .array([.array([.integer(4), .integer(7)]), .array([.integer(5), .integer(8)])]),
                .array([.array([.integer(2), .integer(3)]), .array([.integer(0), .integer(1)])]),
            ])),
            .init(bulk("len"), .integer(6)),
        ]))
        #expect(h.run("lcs", "key1", "key2", "LEN", "IDX") == .error("ERR If you want both the length and indexes, please just use IDX."))
        #expect(h.run("lcs", "key1", "nokey") == bulk(""))
    }
}
