import Foundation
import Testing
import RESP
@testable import KeyValueStore

/// pyraft's checkpoint files mapped onto this store's types. Fixtures/pyraft/checkpoint.dat was
/// written by pyraft 0.2's own `checkpoint` command (strings, a list, a hash, a tree, TTLs).
@Suite struct PyraftSnapshotTests {
    /// A moment after the fixture was written (2026-12-02) and before its longer TTL ran out.
    let fixtureNow: Int64 = 1_796_242_900_000

    func fixture() throws -> [UInt8] {
        var dir = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
        while dir.path != "/" && !FileManager.default.fileExists(atPath: dir.appendingPathComponent("Fixtures").path) {
            dir.deleteLastPathComponent()
        }
        let url = dir.appendingPathComponent("Fixtures/pyraft/checkpoint.dat")
        return Array(try #require(FileManager.default.contents(atPath: url.path), "missing \(url.path)"))
    }

    func load(_ text: [UInt8], now: Int64) throws -> (PyraftSnapshot, Harness) {
        let snapshot = try PyraftSnapshot.parse(text, nowMilliseconds: now)
        let h = Harness()
        h.now = now
        try snapshot.load(into: h.machine, nowMilliseconds: now)
        return (snapshot, h)
    }

    @Test func aRealPyraftCheckpointLoadsEveryType() throws {
        let (snapshot, h) = try load(try fixture(), now: fixtureNow)
        #expect(snapshot.term == 11)
        #expect(snapshot.index == 18)
        #expect(snapshot.ensemble.map(\.id) == ["1"])
        #expect(h.run("GET", "foo") == bulk("bar"))
        #expect(h.run("GET", "n") == bulk("12"))
        #expect(h.run("GET", "quote") == bulk(#"it's "q""#))
        #expect(h.run("GET", "nl") == bulk("a\nb"))
        #expect(h.run("GET", "ctl") == .bulkString([0x01, 0x7F]))
        #expect(h.run("GET", "uni") == bulk("héllo ✓"))
        #expect(h.run("GET", "bs") == bulk("x\ty\\z"))
        #expect(h.run("LRANGE", "l", "0", "-1") == bulks("a", "b", "c d"))
        #expect(h.run("HGET", "h", "f2") == bulk(#"v'2"x"#))
        #expect(h.run("TGET", "tree", "owner") == bulk("ann"))
        #expect(h.run("TGET", "tree/sub", "k") == bulk("v"))
        #expect(h.run("TLS", "tree/sub") == bulks("leaf"))
        #expect(h.run("TLS", "emptytree") == .array([]))
        // 'longttl' keeps its deadline (1796342867.155 s); 'soon' had expired and is left out.
        #expect(h.run("PEXPIRETIME", "longttl") == .integer(1_796_342_867_155))
        #expect(h.run("EXISTS", "soon") == .integer(0))
        #expect(snapshot.notes.contains { $0.contains("'soon' expired") })
    }

    @Test func everyUnmappableValueIsNamedBeforeAnythingLoads() {
        let text = Array("{'_META_': {'term': 1, 'index': 3}, 'a': 5, 'b': ['x', None], 'c': {'d': (1, 2)}, 'ttl': {'t': 'soon'}}".utf8)
        do throws(PyraftImportError) {
            _ = try PyraftSnapshot.parse(text, nowMilliseconds: fixtureNow)
            Issue.record("expected an import error")
        } catch {
            let text = error.description
            #expect(text.contains("'a' is a int"))
            #expect(text.contains("'b'[1] is a None"))
            #expect(text.contains("/c/d is a tuple"))
            #expect(text.contains("ttl of 't' is a str"))
        }
    }

    @Test func aFileWithoutMetaIsNotAPyraftCheckpoint() {
        #expect(throws: PyraftImportError.self) { try PyraftSnapshot.parse(Array("{'a': 'b'}".utf8), nowMilliseconds: 0) }
        #expect(throws: PyraftImportError.self) { try PyraftSnapshot.parse(Array("['a']".utf8), nowMilliseconds: 0) }
        #expect(throws: PyraftImportError.self) { try PyraftSnapshot.parse(Array("RAFTSNP1...".utf8), nowMilliseconds: 0) }
    }

    @Test func recognisesPyraftFilesByTheirFirstByte() {
        #expect(PyraftSnapshot.looksLikePyraft(Array("  \n{'ttl': {}}".utf8)))
        #expect(!PyraftSnapshot.looksLikePyraft(Array("RAFTSNP1".utf8)))
        #expect(!PyraftSnapshot.looksLikePyraft([UInt8]()))
    }

    @Test func aTreeNodeWithATTLCannotBeMapped() {
        let text = Array("{'_META_': {'term': 1, 'index': 3}, 'ttl': {'t': 1e12}, 't': {'child': {}}}".utf8)
        #expect(throws: PyraftImportError.self) { try PyraftSnapshot.parse(text, nowMilliseconds: 0) }
    }
}
