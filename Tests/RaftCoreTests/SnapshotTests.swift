// §7 log compaction and InstallSnapshot.

import Testing
import RaftCore

@Suite("Snapshots (§7)")
struct SnapshotTests {
    @Test("§7: a follower behind the compacted log is sent the snapshot, installs it, then catches up")
    func laggingFollowerGetsSnapshot() throws {
        var h = Harness(["a", "b", "c"])
        h.elect("a")
        h.isolated = ["c"]
        for k in 1...10 { try h["a"].propose(bytes("v\(k)")) }
        h.deliverAll()
        let applied = h["a"].handedOutIndex
        h["a"].snapshotTaken(SnapshotMetadata(index: applied, term: .zero, configuration: Configuration()))
        #expect(h["a"].firstIndex == applied.next, "entries covered by the snapshot are dropped")
        #expect(h["a"].snapshot?.configuration == h["a"].configuration(at: applied))
        for k in 11...12 { try h["a"].propose(bytes("v\(k)")) }
        h.deliverAll()
        h.isolated = []
        h.tickAll(times: 15)
        let installed = h.snapshotsInstalled["c"] ?? []
        #expect(installed.map(\.index) == [applied])
        #expect(h["c"].commitIndex == h["a"].commitIndex)
        #expect(h["c"].lastIndex == h["a"].lastIndex)
        // Entries after the snapshot were applied normally.
        #expect(h.appliedData("c") == ["v11", "v12"])
    }

    @Test("§7: a snapshot the follower already covers is acknowledged without discarding its log")
    func redundantSnapshotKeepsLog() throws {
        var h = Harness(["a", "b"])
        h.elect("a")
        for k in 1...3 { try h["a"].propose(bytes("v\(k)")) }
        h.deliverAll()
        h.tickAll(times: 1)
        let s = SnapshotMetadata(index: h["b"].commitIndex, term: h["b"].term(at: h["b"].commitIndex)!, configuration: h["b"].configuration)
        let last = h["b"].lastIndex
        h["b"].step(Message(from: "a", to: "b", term: h["a"].term, body: .installSnapshot(s)))
        h.flush("b")
        #expect(h["b"].lastIndex == last)
        #expect(h.snapshotsInstalled["b"] == nil)
    }

    @Test("snapshotTaken beyond what was applied is ignored")
    func snapshotBeyondAppliedIsIgnored() {
        var h = Harness(["a"])
        h.elect("a")
        let before = h["a"].firstIndex
        h["a"].snapshotTaken(SnapshotMetadata(index: 1000, term: 1, configuration: Configuration()))
        #expect(h["a"].firstIndex == before)
        #expect(h["a"].snapshot == nil)
    }

    @Test("A node restored from a snapshot keeps its configuration and entries after it")
    func restartFromSnapshot() {
        let conf = Configuration(voters: ["a", "b", "c"])
        let snap = SnapshotMetadata(index: 10, term: 2, configuration: conf)
        let entries = [Entry(term: 2, index: 11, data: bytes("x")), Entry(term: 3, index: 12, data: bytes("y"))]
        var n = RaftNode(config: RaftConfig(id: "a", randomSeed: 1), restored: RaftRestoredState(hardState: HardState(term: 3, votedFor: nil, commit: 12), snapshot: snap, entries: entries), initialConfiguration: Configuration())
        #expect(n.configuration == conf)
        #expect(n.commitIndex == LogIndex(12))
        #expect(n.firstIndex == LogIndex(11))
        let rd = n.ready()
        #expect(rd.committedEntries.map(\.index) == [11, 12], "entries after the snapshot are applied again")
    }
}
