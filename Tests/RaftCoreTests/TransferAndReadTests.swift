// Leadership transfer (dissertation §3.10) and ReadIndex (§6.4).

import Testing
import RaftCore

@Suite("Leadership transfer (§3.10)")
struct TransferTests {
    @Test("TimeoutNow: the target becomes leader in the next term, even with PreVote and leases")
    func transferMovesLeadership() throws {
        var h = Harness(["a", "b", "c"], preVote: true, checkQuorum: true)
        h.elect("a")
        try h["a"].propose(bytes("x"))
        h.deliverAll()
        let term = h["a"].term
        try h["a"].transferLeadership(to: "c")
        h.deliverAll()
        #expect(h.leaders == ["c"])
        #expect(h["c"].term == term.next)
        #expect(h.sent.contains { if case .timeoutNow = $0.message.body { return $0.message.to == "c" } else { return false } })
    }

    @Test("Proposals are refused while a transfer is under way; a stuck transfer is abandoned")
    func proposalsWaitDuringTransfer() throws {
        var h = Harness(["a", "b", "c"])
        h.elect("a")
        h.isolated = ["c"]
        try h["a"].propose(bytes("x"))  // c now lags, so the transfer must wait for it
        h.deliverAll()
        try h["a"].transferLeadership(to: "c")
        #expect(throws: ProposalError.transferInProgress) { try h["a"].propose(bytes("y")) }
        for _ in 0..<25 {
            h.tick("a")
            h.tick("b")
            h.deliverAll()
        }
        #expect(h["a"].role == .leader)
        #expect(h["a"].leadershipTransferTarget == nil)
        _ = try h["a"].propose(bytes("z"))
    }
}

@Suite("ReadIndex (§6.4)")
struct ReadIndexTests {
    @Test("The leader answers a read once a majority confirmed its leadership, at its commit index")
    func leaderServesReadIndex() throws {
        var h = Harness(["a", "b", "c"])
        h.elect("a")
        try h["a"].propose(bytes("x"))
        h.deliverAll()
        h["a"].readIndex(requestID: 42)
        #expect((h.readStates["a"] ?? []).isEmpty, "not before the heartbeat round")
        h.deliverAll()
        let rs = h.readStates["a"] ?? []
        #expect(rs == [ReadState(requestID: 42, index: h["a"].commitIndex)])
    }

    @Test("A follower's read goes through the leader and comes back as a ReadState on the follower")
    func followerReadThroughLeader() throws {
        var h = Harness(["a", "b", "c"])
        h.elect("a")
        try h["a"].propose(bytes("x"))
        h.deliverAll()
        h["b"].readIndex(requestID: 7)
        h.deliverAll()
        #expect(h.readStates["b"] == [ReadState(requestID: 7, index: h["a"].commitIndex)])
    }

    @Test("A leader cut off from the majority never answers; its reads are dropped when it steps down")
    func isolatedLeaderDropsReads() {
        var h = Harness(["a", "b", "c"], checkQuorum: true)
        h.elect("a")
        h.isolated = ["a"]
        h["a"].readIndex(requestID: 1)
        h.tick("a", times: 25)
        #expect((h.readStates["a"] ?? []).isEmpty)
        #expect(h["a"].takeDroppedReads() == [1])
    }

    @Test("A read on a node that knows no leader is dropped at once")
    func noLeaderNoRead() {
        var h = Harness(["a", "b", "c"])
        h["b"].readIndex(requestID: 5)
        #expect(h["b"].takeDroppedReads() == [5])
    }

    @Test("A one-node cluster answers reads immediately")
    func singleNodeRead() {
        var h = Harness(["solo"])
        h.elect("solo")
        h["solo"].readIndex(requestID: 3)
        h.flush("solo")
        #expect(h.readStates["solo"] == [ReadState(requestID: 3, index: h["solo"].commitIndex)])
    }
}
