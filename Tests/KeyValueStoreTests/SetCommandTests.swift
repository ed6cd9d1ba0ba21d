import RESP
import Testing
@testable import KeyValueStore

func set(_ s: String...) -> RESPValue { .set(s.map(bulk)) }

@Suite struct SetCommandTests {
    @Test func saddCountsNewMembersAndSmembersIsASetInByteOrder() {
        let h = Harness()
        #expect(h.run("sadd", "s", "b", "a", "b") == .integer(2))
        #expect(h.run("sadd", "s", "a", "c") == .integer(1))
        #expect(h.run("smembers", "s") == set("a", "b", "c"))
        #expect(h.run("type", "s") == .simpleString("set"))
        #expect(h.run("scard", "s") == .integer(3))
        #expect(h.run("sismember", "s", "a") == .integer(1))
        #expect(h.run("sismember", "s", "zz") == .integer(0))
        #expect(h.run("smismember", "s", "a", "zz", "c") == .array([.integer(1), .integer(0), .integer(1)]))
        #expect(h.run("smembers", "none") == .set([]))
        #expect(h.run("scard", "none") == .integer(0))
        // RESP2 downgrades the set to an array; RESP3 sends '~'.
        #expect(RESPEncoder.encode(h.run("smembers", "s"), version: .resp3) == Array("~3\r\n$1\r\na\r\n$1\r\nb\r\n$1\r\nc\r\n".utf8))
        #expect(RESPEncoder.encode(h.run("smembers", "s"), version: .resp2) == Array("*3\r\n$1\r\na\r\n$1\r\nb\r\n$1\r\nc\r\n".utf8))
    }

    @Test func sremDeletesTheKeyWhenTheLastMemberGoes() {
        let h = Harness()
        h.run("sadd", "s", "a", "b")
        #expect(h.run("srem", "s", "a", "zz") == .integer(1))
        #expect(h.run("srem", "s", "b") == .integer(1))
        #expect(h.run("exists", "s") == .integer(0))
        #expect(h.run("srem", "s", "b") == .integer(0))
    }

    @Test func setCommandsRefuseOtherTypes() {
        let h = Harness()
        h.run("set", "str", "v")
        #expect(h.run("sadd", "str", "a") == wrongType)
        #expect(h.run("smembers", "str") == wrongType)
        #expect(h.run("sinter", "str") == wrongType)
        #expect(h.run("sunionstore", "d", "nope", "str") == wrongType)
        h.run("sadd", "s", "a")
        #expect(h.run("get", "s") == wrongType)
        #expect(h.run("smove", "s", "str", "a") == wrongType)
        #expect(h.run("smembers", "s") == set("a"))
    }

    @Test func interUnionDiffAndTheirStoreForms() {
        let h = Harness()
        h.run("sadd", "k1", "a", "b", "c", "d")
        h.run("sadd", "k2", "c")
        h.run("sadd", "k3", "a", "c", "e")
        #expect(h.run("sinter", "k1", "k2", "k3") == set("c"))
        #expect(h.run("sinter", "k1", "missing") == set())
        #expect(h.run("sunion", "k1", "k2", "k3") == set("a", "b", "c", "d", "e"))
        #expect(h.run("sdiff", "k1", "k2", "k3") == set("b", "d"))
        #expect(h.run("sdiff", "missing", "k1") == set())
        #expect(h.run("sinterstore", "dst", "k1", "k3") == .integer(2))
        #expect(h.run("smembers", "dst") == set("a", "c"))
        #expect(h.run("sunionstore", "dst", "k2", "k3") == .integer(3))
        #expect(h.run("smembers", "dst") == set("a", "c", "e"))
        #expect(h.run("sdiffstore", "dst", "k1", "k1") == .integer(0))
        #expect(h.run("exists", "dst") == .integer(0))
        // A store overwrites whatever type the destination held, and its TTL.
        h.run("set", "dst", "x", "EX", "100")
        #expect(h.run("sunionstore", "dst", "k2") == .integer(1))
        #expect(h.run("type", "dst") == .simpleString("set"))
        #expect(h.run("ttl", "dst") == .integer(-1))
    }

    @Test func sintercardCountsWithAnOptionalLimit() {
        let h = Harness()
        h.run("sadd", "k1", "a", "b", "c", "d")
        h.run("sadd", "k2", "c", "d", "e")
        #expect(h.run("sintercard", "2", "k1", "k2") == .integer(2))
        #expect(h.run("sintercard", "2", "k1", "k2", "LIMIT", "1") == .integer(1))
        #expect(h.run("sintercard", "2", "k1", "k2", "LIMIT", "0") == .integer(2))
        #expect(h.run("sintercard", "0", "k1") == .error("ERR numkeys should be greater than 0"))
        #expect(h.run("sintercard", "3", "k1", "k2") == .error("ERR Number of keys can't be greater than number of args"))
        #expect(h.run("sintercard", "2", "k1", "k2", "LIMIT", "-1") == .error("ERR LIMIT can't be negative"))
        #expect(h.run("sintercard", "1", "k1", "FOO") == syntaxError)
    }

    @Test func smoveMovesOneMember() {
        let h = Harness()
        h.run("sadd", "a", "one", "two")
        h.run("sadd", "b", "three")
        #expect(h.run("smove", "a", "b", "two") == .integer(1))
        #expect(h.run("smove", "a", "b", "nope") == .integer(0))
        #expect(h.run("smove", "missing", "b", "x") == .integer(0))
        #expect(h.run("smembers", "a") == set("one"))
        #expect(h.run("smembers", "b") == set("three", "two"))
        #expect(h.run("smove", "a", "a", "one") == .integer(1))
        #expect(h.run("smove", "a", "c", "one") == .integer(1))
        #expect(h.run("exists", "a") == .integer(0))
        #expect(h.run("smembers", "c") == set("one"))
    }

    @Test func spopRemovesWhatItReturns() {
        let h = Harness()
        h.run("sadd", "s", "a", "b", "c", "d", "e")
        guard case .bulkString(let one?) = h.run("spop", "s") else { Issue.record("no member"); return }
        #expect(h.run("sismember", "s", String(decoding: one, as: UTF8.self)) == .integer(0))
        guard case .set(let two) = h.run("spop", "s", "2") else { Issue.record("not a set"); return }
        #expect(two.count == 2)
        #expect(h.run("scard", "s") == .integer(2))
        #expect(h.run("spop", "s", "0") == .set([]))
        guard case .set(let rest) = h.run("spop", "s", "10") else { Issue.record("not a set"); return }
        #expect(rest.count == 2)
        #expect(h.run("exists", "s") == .integer(0))
        #expect(h.run("spop", "s") == .nullBulk)
        #expect(h.run("spop", "s", "3") == .set([]))
        #expect(h.run("spop", "s", "-1") == .error("ERR value is out of range, must be positive"))
        #expect(h.run("spop", "s", "x") == notInteger)
        #expect(h.run("spop", "s", "1", "2") == syntaxError)
    }

    @Test func srandmemberDoesNotRemoveAndRepeatsOnlyForNegativeCounts() {
        let h = Harness()
        h.run("sadd", "s", "a", "b", "c")
        guard case .array(let three?) = h.run("srandmember", "s", "5") else { Issue.record("not an array"); return }
        #expect(Set(three) == Set([bulk("a"), bulk("b"), bulk("c")]))
        guard case .array(let many?) = h.run("srandmember", "s", "-7") else { Issue.record("not an array"); return }
        #expect(many.count == 7)
        #expect(many.allSatisfy { Set([bulk("a"), bulk("b"), bulk("c")]).contains($0) })
        #expect(h.run("scard", "s") == .integer(3))
        #expect(h.run("srandmember", "none") == .nullBulk)
        #expect(h.run("srandmember", "none", "2") == .array([]))
        #expect(h.run("srandmember", "s", "0") == .array([]))
    }

    @Test func sscanVisitsEveryMemberOnce() {
        let h = Harness()
        for i in 0..<50 { h.run("sadd", "s", "m\(i)") }
        h.run("sadd", "s", "other")
        var cursor = "0"
        var seen: [RESPValue] = []
        for _ in 0..<100 {
            guard case .array(let page?) = h.run("sscan", "s", cursor, "MATCH", "m*", "COUNT", "7"),
                  case .bulkString(let next?) = page[0], case .array(let items?) = page[1] else {
                Issue.record("bad reply"); return
            }
            seen += items
            cursor = String(decoding: next, as: UTF8.self)
            if cursor == "0" { break }
        }
        #expect(cursor == "0")
        #expect(seen.count == 50)
        #expect(Set(seen).count == 50)
        #expect(h.run("sscan", "s", "x") == .error("ERR invalid cursor"))
        #expect(h.run("sscan", "s", "0", "COUNT", "0") == syntaxError)
        #expect(h.run("sscan", "none", "0") == .array([bulk("0"), .array([])]))
    }

    /// SPOP's choice is the leader's: every replica applying the same entries pops the same.
    @Test func spopAgreesOnEveryReplica() throws {
        let h = Harness()
        for i in 0..<40 { h.run("sadd", "s", "m\(i)") }
        var popped: [RESPValue] = []
        for _ in 0..<5 { popped.append(h.run("spop", "s", "3")) }
        popped.append(h.run("spop", "s"))
        let replica = KeyValueStateMachine()
        var replayed: [RESPValue] = []
        for e in h.log { replayed.append(replica.apply(e)) }
        #expect(replica.store == h.store)
        #expect(Array(replayed.suffix(6)) == popped)
    }
}
