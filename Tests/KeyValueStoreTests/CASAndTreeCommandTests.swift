import RESP
import Testing
@testable import KeyValueStore

@Suite struct CASCommandTests {
    @Test func casSwapsOnlyWhenCurrentValueMatches() {
        let h = Harness()
        #expect(h.run("cas", "r", "1", "2") == .integer(0))   // missing key != "1"
        #expect(h.run("exists", "r") == .integer(0))
        #expect(h.run("cas", "r", "", "1") == .integer(1))    // missing key == ""
        #expect(h.run("cas", "r", "0", "2") == .integer(0))
        #expect(h.run("get", "r") == bulk("1"))
        #expect(h.run("cas", "r", "1", "2") == .integer(1))
        #expect(h.run("get", "r") == bulk("2"))
        h.run("rpush", "l", "x")
        #expect(h.run("cas", "l", "x", "y") == wrongType)
    }

    @Test func casKeepsTTL() {
        let h = Harness()
        h.run("set", "r", "1", "EX", "10")
        #expect(h.run("cas", "r", "1", "2") == .integer(1))
        #expect(h.run("ttl", "r") == .integer(10))
    }
}

@Suite struct TreeCommandTests {
    @Test func tmkCreatesNodesUnderExistingParents() {
        let h = Harness()
        #expect(h.run("tmk", "a") == .ok)
        #expect(h.run("tmk", "a/b", "x", "1", "y", "2") == .ok)
        #expect(h.run("tmk", "a/c", "{\"k\": \"v\", \"n\": 3}") == .ok)
        #expect(h.run("tmk", "q/r") == .error("ERR node does not exists"))
        #expect(h.run("tmk", "a/b") == .error("ERR node or attr is already exists"))
        #expect(h.run("tmk", "a/b/x") == .error("ERR node or attr is already exists"))
        #expect(h.run("tls", "a") == bulks("b", "c"))
        #expect(h.run("tls", "/") == bulks("a"))
        #expect(h.run("tget", "a/b", "y") == bulk("2"))
        #expect(h.run("tget", "a/c") == bulk("{\"k\": \"v\", \"n\": \"3\"}"))
        #expect(h.run("tget", "a/b", "nope") == .error("ERR attr does not exists"))
        #expect(h.run("tget", "a/zz") == .error("ERR node does not exists"))
        #expect(h.run("tmk", "a/d", "{bad json") == .error("ERR invalid json"))
    }

    @Test func tsetUpdatesAttributesButNeverOverwritesAChildNode() {
        let h = Harness()
        h.run("tmk", "a")
        h.run("tmk", "a/child")
        #expect(h.run("tset", "a", "x", "1") == .ok)
        #expect(h.run("tset", "a", "{\"x\": \"2\", \"y\": \"3\"}") == .ok)
        #expect(h.run("tget", "a") == bulk("{\"x\": \"2\", \"y\": \"3\"}"))
        #expect(h.run("tset", "a", "child", "v") == .error("ERR can not overwrite node"))
        #expect(h.run("tset", "nope", "x", "1") == .error("ERR node does not exists"))
        #expect(h.run("tset", "a", "x", "1", "y") == .error("ERR wrong number of arguments for 'tset' command"))
    }

    @Test func trmRemovesSubtreeOrAttributes() {
        let h = Harness()
        h.run("tmk", "a", "x", "1", "y", "2")
        h.run("tmk", "a/b")
        h.run("tmk", "a/b/c")
        #expect(h.run("trm", "a", "x") == .ok)
        #expect(h.run("tget", "a") == bulk("{\"y\": \"2\"}"))
        #expect(h.run("trm", "a", "x") == .error("ERR attr does not exists"))
        #expect(h.run("trm", "a/b") == .ok)
        #expect(h.run("tls", "a") == .array([]))
        #expect(h.run("tls", "a/b") == .error("ERR node does not exists"))
        #expect(h.run("trm", "a/b") == .error("ERR node does not exists"))
    }

    @Test func treeIsSeparateFromTheKeyspace() {
        let h = Harness()
        h.run("tmk", "a")
        #expect(h.run("exists", "a") == .integer(0))
        #expect(h.run("set", "a", "v") == .ok)
        #expect(h.run("tls", "a") == .array([]))
    }
}
