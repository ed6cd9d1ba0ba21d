import RESP
import Testing
@testable import KeyValueStore

@Suite struct KeyspaceCommandTests {
    @Test func scanTypeFiltersSetsAndSortedSets() {
        let h = Harness()
        h.run("sadd", "s1", "a")
        h.run("sadd", "s2", "a")
        h.run("zadd", "z", "1", "a")
        h.run("set", "k", "v")
        guard case .array(let page?) = h.run("scan", "0", "COUNT", "100", "TYPE", "set"), case .array(let keys?) = page[1] else {
            Issue.record("bad reply"); return
        }
        #expect(Set(keys) == Set([bulk("s1"), bulk("s2")]))
        guard case .array(let zpage?) = h.run("scan", "0", "COUNT", "100", "TYPE", "zset"), case .array(let zkeys?) = zpage[1] else {
            Issue.record("bad reply"); return
        }
        #expect(zkeys == [bulk("z")])
    }

    @Test func objectEncodingNamesRedisEncodingsBySize() {
        let h = Harness()
        h.run("set", "int", "12345")
        h.run("set", "short", "hello")
        h.run("set", "long", String(repeating: "x", count: 45))
        h.run("sadd", "ints", "1", "2")
        h.run("sadd", "words", "a", "b")
        h.run("zadd", "small", "1", "a")
        h.run("rpush", "list", "a")
        h.run("hset", "hash", "f", "v")
        for i in 0..<130 {
            h.run("zadd", "big", "\(i)", "m\(i)")
            h.run("sadd", "bigset", "m\(i)")
            h.run("hset", "bighash", "f\(i)", "v")
        }
        #expect(h.run("object", "encoding", "int") == bulk("int"))
        #expect(h.run("object", "encoding", "short") == bulk("embstr"))
        #expect(h.run("object", "encoding", "long") == bulk("raw"))
        #expect(h.run("object", "encoding", "ints") == bulk("intset"))
        #expect(h.run("object", "encoding", "words") == bulk("listpack"))
        #expect(h.run("object", "encoding", "bigset") == bulk("hashtable"))
        #expect(h.run("object", "encoding", "small") == bulk("listpack"))
        #expect(h.run("object", "encoding", "big") == bulk("skiplist"))
        #expect(h.run("object", "encoding", "list") == bulk("listpack"))
        #expect(h.run("object", "encoding", "hash") == bulk("listpack"))
        #expect(h.run("object", "encoding", "bighash") == bulk("hashtable"))
        #expect(h.run("object", "encoding", "none") == .nullBulk)
        #expect(h.run("object", "idletime", "int") == .integer(0))
        #expect(h.run("object", "refcount", "int") == .integer(1))
        #expect(h.run("object", "freq", "int") == .error("ERR An LFU maxmemory policy is not selected, access frequency not tracked. Please note that when switching between policies at runtime LRU and LFU data will take some time to adjust."))
        #expect(h.run("object", "foo", "k") == .error("ERR unknown subcommand 'foo'. Try OBJECT HELP."))
        #expect(h.run("object", "encoding") == .error("ERR wrong number of arguments for 'object|encoding' command"))
    }

    @Test func dumpAndRestoreMoveEveryTypeBetweenStores() {
        let source = Harness()
        source.run("set", "s", "v")
        source.run("hset", "h", "f", "1")
        source.run("rpush", "l", "a", "b")
        source.run("sadd", "set", "x", "y")
        source.run("zadd", "z", "1.5", "m", "-inf", "n")
        let target = Harness()
        for key in ["s", "h", "l", "set", "z"] {
            guard case .bulkString(let payload?) = source.run("dump", key) else { Issue.record("no payload for \(key)"); continue }
            #expect(target.run([Array("restore".utf8), Array(key.utf8), Array("0".utf8), payload]) == .ok)
        }
        #expect(target.store == KeyValueStore.copyForTest(source.store, clock: target.store.clock))
        #expect(source.run("dump", "none") == .nullBulk)
    }

    @Test func restoreFollowsRedisRulesForTTLReplaceAndBadPayloads() {
        let h = Harness()
        h.run("set", "k", "v")
        guard case .bulkString(let payload?) = h.run("dump", "k") else { Issue.record("no payload"); return }
        func restore(_ key: String, _ ttl: String, _ p: [UInt8], _ opts: String...) -> RESPValue {
            h.run([Array("restore".utf8), Array(key.utf8), Array(ttl.utf8), p] + opts.map { Array($0.utf8) })
        }
        #expect(restore("k", "0", payload) == .error("BUSYKEY Target key name already exists."))
        #expect(restore("k", "-1", payload) == .error("ERR Invalid TTL value, must be >= 0"))
        var corrupt = payload
        corrupt[corrupt.count - 9] ^= 1
        #expect(restore("k", "0", corrupt, "REPLACE") == .error("ERR DUMP payload version or checksum are wrong"))
        #expect(restore("k", "0", Array("xx".utf8), "REPLACE") == .error("ERR DUMP payload version or checksum are wrong"))
        #expect(restore("k", "5000", payload, "REPLACE") == .ok)
        #expect(h.run("pttl", "k") == .integer(5000))
        // The relative TTL was fixed on the leader: a replica applying later agrees.
        let replica = KeyValueStateMachine()
        for e in h.log { _ = replica.apply(e) }
        #expect(replica.store == h.store)
        #expect(restore("k2", "\(h.now + 1000)", payload, "ABSTTL") == .ok)
        #expect(h.run("pttl", "k2") == .integer(1000))
        #expect(restore("k3", "\(h.now - 1000)", payload, "ABSTTL") == .ok)
        #expect(h.run("exists", "k3") == .integer(0))
        #expect(restore("k4", "0", payload, "IDLETIME", "-1") == .error("ERR Invalid IDLETIME value, must be >= 0"))
        #expect(restore("k4", "0", payload, "FREQ", "256") == .error("ERR Invalid FREQ value, must be >= 0 and <= 255"))
        #expect(restore("k4", "0", payload, "BOGUS") == syntaxError)
    }

    @Test func sortNumericAlphaLimitAndDesc() {
        let h = Harness()
        h.run("rpush", "l", "3", "1", "2", "10")
        #expect(h.run("sort", "l") == bulks("1", "2", "3", "10"))
        #expect(h.run("sort", "l", "desc", "limit", "1", "2") == bulks("3", "2"))
        #expect(h.run("sort", "l", "alpha") == bulks("1", "10", "2", "3"))
        #expect(h.run("sort_ro", "l", "limit", "0", "-1") == bulks("1", "2", "3", "10"))
        h.run("rpush", "w", "b", "a", "c")
        #expect(h.run("sort", "w") == .error("ERR One or more scores can't be converted into double"))
        h.run("sadd", "s", "5", "2", "9")
        #expect(h.run("sort", "s") == bulks("2", "5", "9"))
        h.run("zadd", "z", "1", "x", "2", "y")
        #expect(h.run("sort", "z", "alpha", "desc") == bulks("y", "x"))
        h.run("set", "str", "v")
        #expect(h.run("sort", "str") == wrongType)
        #expect(h.run("sort", "none") == bulks())
        #expect(h.run("sort", "l", "bogus") == syntaxError)
        #expect(h.run("sort_ro", "w", "alpha", "store", "x") == syntaxError)
    }

    @Test func sortByAndGetPatternsReadStringsAndHashFields() {
        let h = Harness()
        h.run("rpush", "w", "b", "a", "c")
        h.run("mset", "wa", "3", "wb", "1", "wc", "2", "oa", "A", "ob", "B", "oc", "C")
        #expect(h.run("sort", "w", "by", "w*", "get", "o*", "get", "#") == bulks("B", "b", "C", "c", "A", "a"))
        h.run("hset", "hb", "f", "9")
        h.run("hset", "ha", "f", "1")
        #expect(h.run("sort", "w", "by", "h*->f", "get", "h*->f") == .array([.nullBulk, bulk("1"), bulk("9")]))
        #expect(h.run("sort", "w", "by", "nosort") == bulks("b", "a", "c"))
        #expect(h.run("sort", "w", "by", "w*", "limit", "-1", "2") == bulks("b", "c"))
        #expect(h.run("sort", "w", "alpha", "store", "dst") == .integer(3))
        #expect(h.run("lrange", "dst", "0", "-1") == bulks("a", "b", "c"))
        #expect(h.run("sort", "none", "store", "dst") == .integer(0))
        #expect(h.run("exists", "dst") == .integer(0))
    }
}

extension KeyValueStore {
    /// A copy of `s`'s records with another clock (stores compare clocks too).
    static func copyForTest(_ s: KeyValueStore, clock: Int64) -> KeyValueStore {
        let c = s.frozenCopy()
        c.clock = clock
        return c
    }
}
