// §5.2 leader election, §5.4.1 the election restriction, PreVote (dissertation §9.6),
// CheckQuorum and the leader lease (§6.2, §4.2.3).

import Testing
import RaftCore

@Suite("Elections (§5.2, §5.4.1, §9.6)")
struct ElectionTests {
    @Test("§5.2: a follower that hears nothing starts an election within [electionTick, 2*electionTick) ticks")
    func followerTimesOutIntoCandidate() {
        var h = Harness(["a", "b", "c"])
        var ticks = 0
        while h["a"].role == .follower && ticks < 100 {
            h.tick("a")
            ticks += 1
        }
        #expect(h["a"].role == .candidate)
        #expect(h["a"].term == Term(1))
        #expect(ticks >= 10 && ticks < 20)
        #expect(h.hardStates["a"]?.votedFor == "a", "a candidate votes for itself, durably")
    }

    @Test("§5.2: randomized timeouts differ from node to node, and a seed reproduces them")
    func timeoutsAreRandomizedBySeed() {
        func timeout(seed: UInt64) -> Int {
            var n = RaftNode(config: RaftConfig(id: "a", randomSeed: seed), restored: RaftRestoredState(), initialConfiguration: Configuration(voters: ["a", "b", "c"]))
            var t = 0
            while n.role == .follower && t < 100 { n.tick(); t += 1 }
            return t
        }
        let seen = Set((1...20).map { timeout(seed: $0) })
        #expect(seen.count > 3)
        #expect(timeout(seed: 7) == timeout(seed: 7))
    }

    @Test("§5.2: a candidate that wins a majority becomes leader and opens its term with a no-op (§8)")
    func candidateWithMajorityBecomesLeader() {
        var h = Harness(["a", "b", "c"])
        h.elect("a")
        #expect(h.leaders == ["a"])
        #expect(h["b"].leader == "a")
        let last = h["a"].entry(at: h["a"].lastIndex)
        #expect(last?.kind == .noop && last?.term == h["a"].term)
        #expect(h["a"].commitIndex == h["a"].lastIndex, "the no-op commits once the followers have it")
        h.tick("a")
        h.deliverAll()
        #expect(h["b"].commitIndex == h["a"].lastIndex, "followers learn the commit index from the next heartbeat")
    }

    @Test("§5.2: each server votes for at most one candidate per term")
    func onlyOneVotePerTerm() {
        var h = Harness(["a", "b", "c"])
        let rv = RequestVote(lastLogIndex: h["c"].lastIndex, lastLogTerm: h["c"].lastTerm, preVote: false)
        h["c"].step(Message(from: "a", to: "c", term: 1, body: .requestVote(rv)))
        h["c"].step(Message(from: "b", to: "c", term: 1, body: .requestVote(rv)))
        let answers = h.takeInbox().compactMap { m -> (NodeID, Bool)? in
            if case .requestVoteResponse(let r) = m.body { return (m.to, r.granted) }
            return nil
        }
        #expect(answers.count == 2)
        #expect(answers.first { $0.0 == "a" }?.1 == true)
        #expect(answers.first { $0.0 == "b" }?.1 == false)
    }

    @Test("Figure 2: a vote is sent only after the vote and term are durable (messagesAfterPersist)")
    func voteGrantWaitsForPersistence() {
        var n = RaftNode(config: RaftConfig(id: "c", randomSeed: 1), restored: RaftRestoredState(), initialConfiguration: Configuration(voters: ["a", "b", "c"]))
        _ = n.ready()
        n.step(Message(from: "a", to: "c", term: 5, body: .requestVote(RequestVote(lastLogIndex: 3, lastLogTerm: 0, preVote: false))))
        let rd = n.ready()
        #expect(rd.hardState?.term == Term(5) && rd.hardState?.votedFor == "a")
        #expect(rd.messages.isEmpty)
        #expect(rd.messagesAfterPersist.count == 1)
    }

    @Test("§5.4.1: a vote is refused to a candidate whose log is less up to date")
    func staleLogIsRefusedAVote() {
        var h = Harness(["a", "b", "c"])
        h.elect("a")
        _ = try? h["a"].propose(bytes("x"))
        h.deliverAll()
        // c campaigns with the log it had before "x" arrived: pretend by asking with an older last index.
        let stale = RequestVote(lastLogIndex: h["b"].lastIndex.previous, lastLogTerm: h["b"].lastTerm, preVote: false)
        h["b"].step(Message(from: "c", to: "b", term: 9, body: .requestVote(stale)))
        let refused = h.takeInbox().contains { m in
            if case .requestVoteResponse(let r) = m.body { return m.to == "c" && !r.granted }
            return false
        }
        #expect(refused)
    }

    @Test("Planted bug: with voteWithoutLogCheck the same stale candidate gets the vote")
    func plantedVoteWithoutLogCheckGrantsStaleVote() {
        var h = Harness(["a", "b", "c"], faults: .voteWithoutLogCheck)
        h.elect("a")
        _ = try? h["a"].propose(bytes("x"))
        h.deliverAll()
        let stale = RequestVote(lastLogIndex: .zero, lastLogTerm: .zero, preVote: false)
        h["b"].step(Message(from: "c", to: "b", term: 9, body: .requestVote(stale)))
        let granted = h.takeInbox().contains { m in
            if case .requestVoteResponse(let r) = m.body { return m.to == "c" && r.granted }
            return false
        }
        #expect(granted)
    }

    @Test("§5.1: a leader that sees a higher term steps down to follower")
    func higherTermDeposesLeader() {
        var h = Harness(["a", "b", "c"])
        h.elect("a")
        h["a"].step(Message(from: "b", to: "a", term: 7, body: .appendEntriesResponse(AppendEntriesResponse(success: false, index: 0))))
        #expect(h["a"].role == .follower)
        #expect(h["a"].term == Term(7))
    }

    @Test("PreVote (§9.6): a partitioned node does not raise its term, and rejoining disrupts nothing")
    func preVoteKeepsPartitionedNodeHarmless() {
        var h = Harness(["a", "b", "c"], preVote: true, checkQuorum: true)
        h.elect("a")
        let term = h["a"].term
        h.isolated = ["c"]
        h.tickAll(times: 60)
        #expect(h["c"].term == term, "pre-votes fail, so the term does not grow")
        #expect(h["c"].role == .preCandidate || h["c"].role == .follower)
        h.isolated = []
        h.tickAll(times: 5)
        #expect(h.leaders == ["a"])
        #expect(h["a"].term == term)
        #expect(h["c"].leader == "a")
    }

    @Test("Without PreVote a partitioned node returns with a higher term (what PreVote prevents)")
    func withoutPreVoteTheTermGrows() {
        var h = Harness(["a", "b", "c"], preVote: false, checkQuorum: false)
        h.elect("a")
        let term = h["a"].term
        h.isolated = ["c"]
        h.tickAll(times: 60)
        #expect(h["c"].term > term)
    }

    @Test("CheckQuorum (§6.2): a leader that cannot hear a quorum steps down within an election timeout")
    func isolatedLeaderStepsDown() {
        var h = Harness(["a", "b", "c"], preVote: true, checkQuorum: true)
        h.elect("a")
        h.isolated = ["a"]
        for _ in 0..<25 { h.tick("a") }
        #expect(h["a"].role == .follower)
        #expect(h["a"].leader == nil)
    }

    @Test("Leader lease (§4.2.3): a follower hearing from its leader ignores a disruptive RequestVote")
    func followerInLeaseIgnoresVoteRequests() {
        var h = Harness(["a", "b", "c"], preVote: false, checkQuorum: true)
        h.elect("a")
        let term = h["b"].term
        h["b"].step(Message(from: "c", to: "b", term: term.next, body: .requestVote(RequestVote(lastLogIndex: 100, lastLogTerm: 100, preVote: false))))
        #expect(h["b"].term == term)
        #expect(h.takeInbox().isEmpty)
    }

    @Test("Restart: the vote survives a restart; the planted forgetVoteOnRestart loses it")
    func voteSurvivesRestart() {
        let conf = Configuration(voters: ["a", "b", "c"])
        let restored = RaftRestoredState(hardState: HardState(term: 4, votedFor: "b", commit: 0))
        let n = RaftNode(config: RaftConfig(id: "a", randomSeed: 1), restored: restored, initialConfiguration: conf)
        #expect(n.votedForInTerm == "b" && n.term == Term(4))
        var c = RaftConfig(id: "a", randomSeed: 1)
        c.faults = .forgetVoteOnRestart
        let forgetful = RaftNode(config: c, restored: restored, initialConfiguration: conf)
        #expect(forgetful.votedForInTerm == nil)
    }

    @Test("Planted bug: forgetTermOnRestart restarts at term 0 with no vote, and votes again in a term it already voted in")
    func plantedForgetTermOnRestart() {
        let conf = Configuration(voters: ["a", "b", "c"])
        let restored = RaftRestoredState(hardState: HardState(term: 4, votedFor: "b", commit: 0))
        var c = RaftConfig(id: "a", randomSeed: 1)
        c.faults = .forgetTermOnRestart
        var n = RaftNode(config: c, restored: restored, initialConfiguration: conf)
        #expect(n.term == .zero && n.votedForInTerm == nil)
        _ = n.ready()
        // Term 4's vote went to b; a correct node refuses c in term 4, this one grants it.
        n.step(Message(from: "c", to: "a", term: 4, body: .requestVote(RequestVote(lastLogIndex: 5, lastLogTerm: 3, preVote: false))))
        let rd = n.ready()
        let granted = rd.messagesAfterPersist.contains { m in
            if case .requestVoteResponse(let r) = m.body { return m.to == "c" && r.granted }
            return false
        }
        #expect(granted)
    }

    @Test("A one-node cluster elects itself and commits after its own write is durable")
    func singleNodeBootstrap() throws {
        var h = Harness(["solo"])
        h.elect("solo")
        #expect(h["solo"].role == .leader)
        let i = try h["solo"].propose(bytes("v"))
        #expect(h["solo"].commitIndex < i, "not committed before advance()")
        h.flush("solo")
        #expect(h["solo"].commitIndex >= i)
        #expect(h.appliedData("solo") == ["v"])
    }
}
