// Which Readies need an fsync (Ready.mustSync): entries, a snapshot, a new term or vote do; a
// hard state whose only change is the commit index does not (etcd-io/raft's MustSync).

import Testing
import RaftCore

@Suite("Ready.mustSync: what needs an fsync")
struct MustSyncTests {
    /// A follower "b" of a two-voter cluster, its first Ready handled.
    private func follower() -> RaftNode {
        var n = RaftNode(config: RaftConfig(id: "b", randomSeed: 1), restored: RaftRestoredState(), initialConfiguration: Configuration(voters: ["a", "b"]))
        n.advance(n.ready())
        return n
    }

    private func append(_ n: inout RaftNode, term: Term, entries: [Entry], commit: LogIndex) {
        let prev = n.lastIndex
        let ae = AppendEntries(prevLogIndex: prev, prevLogTerm: n.term(at: prev) ?? .zero, entries: entries, leaderCommit: commit)
        n.step(Message(from: "a", to: "b", term: term, body: .appendEntries(ae)))
    }

    @Test("New entries with a new term must be synced; the heartbeat that only commits them need not be")
    func onlyTheCommitIndexMovingNeedsNoSync() {
        var n = follower()
        let next = n.lastIndex.next
        append(&n, term: 3, entries: [Entry(term: 3, index: next, data: bytes("x"))], commit: .zero)
        let first = n.ready()
        #expect(first.mustSync, "entries (and the new term) must be durable before the acknowledgement")
        #expect(!first.entries.isEmpty)
        n.advance(first)

        append(&n, term: 3, entries: [], commit: next)
        let second = n.ready()
        #expect(second.hardState?.commit == next)
        #expect(second.hardState?.term == Term(3))
        #expect(second.entries.isEmpty && second.snapshot == nil)
        #expect(!second.mustSync, "only the commit index moved")
        #expect(second.committedEntries.last?.index == next, "the entry is applied without waiting for a sync")
        n.advance(second)
    }

    @Test("A vote granted in a new term must be synced, even with nothing else in the Ready")
    func aVoteMustBeSynced() {
        var n = follower()
        let rv = RequestVote(lastLogIndex: n.lastIndex, lastLogTerm: n.term(at: n.lastIndex) ?? .zero, preVote: false)
        n.step(Message(from: "a", to: "b", term: 7, body: .requestVote(rv)))
        let rd = n.ready()
        #expect(rd.hardState?.votedFor == NodeID("a"))
        #expect(rd.entries.isEmpty)
        #expect(rd.mustSync)
    }

    @Test("A Ready with nothing to write needs no sync")
    func nothingToWrite() {
        var n = follower()
        n.tick()
        #expect(!n.ready().mustSync)
    }
}
