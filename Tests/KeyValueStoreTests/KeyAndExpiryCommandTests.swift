import RESP
import Testing
@testable import KeyValueStore

@Suite struct KeyAndExpiryCommandTests {
    @Test func delExistsTypeCountKeysAndDuplicates() {
        let h = Harness()
        h.run("mset", "a", "1", "b", "2")
        h.run("rpush", "l", "x")
        h.run("hset", "h", "f", "v")
        #expect(h.run("exists", "a", "a", "zz") == .integer(2))
        #expect(h.run("type", "a") == .simpleString("string"))
        #expect(h.run("type", "l") == .simpleString("list"))
        #expect(h.run("type", "h") == .simpleString("hash"))
        #expect(h.run("type", "zz") == .simpleString("none"))
        #expect(h.run("del", "a", "b", "zz") == .integer(2))
        #expect(h.run("dbsize") == .integer(2))
    }

    @Test func keysMatchesGlobPatternsInByteOrder() {
        let h = Harness()
        h.run("mset", "hello", "1", "hallo", "1", "hxllo", "1", "hllo", "1", "heeeello", "1", "h*llo", "1")
        #expect(h.run("keys", "h?llo") == bulks("h*llo", "hallo", "hello", "hxllo"))
        #expect(h.run("keys", "h*llo") == bulks("h*llo", "hallo", "heeeello", "hello", "hllo", "hxllo"))
        #expect(h.run("keys", "h[ae]llo") == bulks("hallo", "hello"))
        #expect(h.run("keys", "h[^e]llo") == bulks("h*llo", "hallo", "hxllo"))
        #expect(h.run("keys", "h[a-b]llo") == bulks("hallo"))
        #expect(h.run("keys", "h\\*llo") == bulks("h*llo"))
        #expect(h.run("keys", "*") == bulks("h*llo", "hallo", "heeeello", "hello", "hllo", "hxllo"))
    }

    @Test func scanWithCursorReturnsEveryKeyExactlyOnceDespiteConcurrentWrites() throws {
        let h = Harness()
        for i in 0..<1000 { h.run("set", "key:\(i)", "v") }
        var seen: [String: Int] = [:]
        var cursor = "0"
        var calls = 0
        repeat {
            guard case .array(let parts?) = h.run("scan", cursor, "COUNT", "37"),
                  parts.count == 2, case .bulkString(let c?) = parts[0], case .array(let keys?) = parts[1] else {
                Issue.record("bad SCAN reply"); return
            }
            for k in keys { if case .bulkString(let b?) = k { seen[String(decoding: b, as: UTF8.self), default: 0] += 1 } }
            cursor = String(decoding: c, as: UTF8.self)
            // Writes between calls must not make SCAN skip or repeat keys that stay present.
            h.run("set", "new:\(calls)", "v")
            h.run("del", "key:\(999 - calls)")
            calls += 1
        } while cursor != "0" && calls < 10_000
        #expect(cursor == "0")
        for i in 0..<1000 - calls {
            #expect(seen["key:\(i)"] == 1, "key:\(i) seen \(seen["key:\(i)"] ?? 0) times")
        }
        #expect(!seen.values.contains { $0 > 1 })
    }

    @Test func scanFiltersByMatchAndType() {
        let h = Harness()
        for i in 0..<50 { h.run("set", "s\(i)", "v") }
        h.run("rpush", "list1", "x")
        var found: [RESPValue] = []
        var cursor = "0"
        var n = 0
        repeat {
            guard case .array(let p?) = h.run("scan", cursor, "MATCH", "*1*", "TYPE", "string"),
                  case .bulkString(let c?) = p[0], case .array(let keys?) = p[1] else { Issue.record("bad reply"); return }
            found += keys
            cursor = String(decoding: c, as: UTF8.self)
            n += 1
        } while cursor != "0" && n < 1000
        #expect(Set(found) == Set((0..<50).filter { String($0).contains("1") }.map { bulk("s\($0)") }))
        #expect(h.run("scan", "x") == .error("ERR invalid cursor"))
        #expect(h.run("scan", "0", "COUNT", "0") == syntaxError)
        #expect(h.run("scan", "0", "BOGUS", "1") == syntaxError)
    }

    @Test func renameMovesValueAndTTL() {
        let h = Harness()
        h.run("set", "a", "1", "EX", "50")
        #expect(h.run("rename", "a", "b") == .ok)
        #expect(h.run("get", "b") == bulk("1"))
        #expect(h.run("ttl", "b") == .integer(50))
        #expect(h.run("exists", "a") == .integer(0))
        #expect(h.run("rename", "a", "b") == .error("ERR no such key"))
        h.run("set", "c", "3")
        #expect(h.run("renamenx", "b", "c") == .integer(0))
        #expect(h.run("renamenx", "b", "d") == .integer(1))
        #expect(h.run("rename", "d", "d") == .ok)
    }

    @Test func copyHonoursReplace() {
        let h = Harness()
        h.run("rpush", "src", "a", "b")
        h.run("set", "dst", "x")
        #expect(h.run("copy", "src", "dst") == .integer(0))
        #expect(h.run("copy", "src", "dst", "REPLACE") == .integer(1))
        #expect(h.run("lrange", "dst", "0", "-1") == bulks("a", "b"))
        h.run("rpush", "src", "c")
        #expect(h.run("llen", "dst") == .integer(2))  // a copy, not an alias
        #expect(h.run("copy", "nokey", "x") == .integer(0))
        #expect(h.run("copy", "src", "src") == .error("ERR source and destination objects are the same"))
        #expect(h.run("copy", "src", "z", "DB", "1") == .error("ERR DB index is out of range"))
    }

    @Test func flushdbEmptiesTheKeyspace() {
        let h = Harness()
        h.run("mset", "a", "1", "b", "2")
        #expect(h.run("flushdb", "ASYNC") == .ok)
        #expect(h.run("dbsize") == .integer(0))
        #expect(h.run("flushall", "bogus") == syntaxError)
    }

    @Test func expireWithNXXXGTLTFollowsRedis() {
        let h = Harness()
        h.run("set", "k", "v")
        #expect(h.run("expire", "k", "100", "XX") == .integer(0))
        #expect(h.run("expire", "k", "100", "GT") == .integer(0))  // no TTL counts as infinite
        #expect(h.run("expire", "k", "100", "NX") == .integer(1))
        #expect(h.run("expire", "k", "200", "NX") == .integer(0))
        #expect(h.run("expire", "k", "200", "LT") == .integer(0))
        #expect(h.run("expire", "k", "50", "LT") == .integer(1))
        #expect(h.run("ttl", "k") == .integer(50))
        #expect(h.run("expire", "k", "40", "GT") == .integer(0))
        #expect(h.run("expire", "k", "60", "GT") == .integer(1))
        #expect(h.run("expire", "k", "70", "XX") == .integer(1))
        #expect(h.run("ttl", "k") == .integer(70))
        h.run("set", "p", "v")
        #expect(h.run("expire", "p", "10", "LT") == .integer(1))  // persistent key: LT applies
        #expect(h.run("expire", "k", "1", "NX", "XX") == .error("ERR NX and XX, GT or LT options at the same time are not compatible"))
        #expect(h.run("expire", "k", "1", "GT", "LT") == .error("ERR GT and LT options at the same time are not compatible"))
        #expect(h.run("expire", "k", "1", "YY") == .error("ERR Unsupported option YY"))
        #expect(h.run("expire", "k", "x") == notInteger)
        #expect(h.run("expire", "k", "9223372036854775807") == .error("ERR invalid expire time in 'expire' command"))
        #expect(h.run("expire", "nokey", "10") == .integer(0))
    }

    @Test func expireInThePastDeletesTheKey() {
        let h = Harness()
        h.run("set", "a", "1")
        h.run("set", "b", "1")
        #expect(h.run("expire", "a", "-1") == .integer(1))
        #expect(h.run("pexpireat", "b", "1") == .integer(1))
        #expect(h.run("exists", "a", "b") == .integer(0))
        #expect(h.store.storedCount == 0)
    }

    @Test func ttlPttlExpiretimeAndPersist() {
        let h = Harness()
        #expect(h.run("ttl", "none") == .integer(-2))
        h.run("set", "k", "v")
        #expect(h.run("ttl", "k") == .integer(-1))
        #expect(h.run("pexpire", "k", "10500") == .integer(1))
        #expect(h.run("pttl", "k") == .integer(10500))
        #expect(h.run("ttl", "k") == .integer(11))  // rounded like Redis
        #expect(h.run("pexpiretime", "k") == .integer(h.now + 10500))
        #expect(h.run("expireat", "k", String(h.now / 1000 + 100)) == .integer(1))
        #expect(h.run("expiretime", "k") == .integer(h.now / 1000 + 100))
        #expect(h.run("persist", "k") == .integer(1))
        #expect(h.run("persist", "k") == .integer(0))
        #expect(h.run("pttl", "k") == .integer(-1))
    }

    @Test func relativeExpiryIsFixedOnTheLeaderNotAtApplyTime() throws {
        let h = Harness()
        h.run("set", "k", "v")
        guard case .entry(let bytes) = h.machine.prepare(["expire", "k", "10"].map { Array($0.utf8) }, now: h.now) else {
            Issue.record("not prepared"); return
        }
        let entry = try #require(LogEntry.decode(bytes))
        #expect(entry.args == ["PEXPIREAT", "k", String(h.now + 10_000)].map { Array($0.utf8) })
        guard case .entry(let setBytes) = h.machine.prepare(["set", "k", "v", "EX", "5", "GET"].map { Array($0.utf8) }, now: h.now) else {
            Issue.record("not prepared"); return
        }
        #expect(LogEntry.decode(setBytes)?.args == ["set", "k", "v", "GET", "PXAT", String(h.now + 5000)].map { Array($0.utf8) })
        guard case .entry(let sx) = h.machine.prepare(["SETEX", "k", "5", "v"].map { Array($0.utf8) }, now: h.now) else {
            Issue.record("not prepared"); return
        }
        #expect(LogEntry.decode(sx)?.args == ["SET", "k", "v", "PXAT", String(h.now + 5000)].map { Array($0.utf8) })
    }

    @Test func replicatedClockNeverGoesBackwards() {
        let m = KeyValueStateMachine()
        _ = m.apply(LogEntry(timestamp: 2000, args: ["set", "k", "v", "PX", "500"].map { Array($0.utf8) }))
        // A new leader with a slower clock: its entries are applied at max(2000, 1000).
        _ = m.apply(LogEntry(timestamp: 1000, args: ["set", "x", "1"].map { Array($0.utf8) }))
        #expect(m.store.clock == 2000)
        _ = m.apply(LogEntry(timestamp: 2500, args: []))
        #expect(m.read([Array("exists".utf8), Array("k".utf8)], now: 0) == .integer(0))
        #expect(m.store.storedCount == 1)
    }
}
