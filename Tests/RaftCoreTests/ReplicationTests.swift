// §5.3 log replication, §5.4.2 committing entries from previous terms (Figure 8), batching and
// pipelining, fast back-off.

import Testing
import RaftCore

@Suite("Log replication (§5.3, §5.4.2)")
struct ReplicationTests {
    @Test("§5.3: an entry replicated on a majority is committed and applied everywhere, in order")
    func proposalsAreCommittedAndApplied() throws {
        var h = Harness(["a", "b", "c"])
        h.elect("a")
        for k in 1...5 { try h["a"].propose(bytes("v\(k)")) }
        h.deliverAll()
        h.tickAll(times: 2)
        for id in ["a", "b", "c"] as [NodeID] {
            #expect(h.appliedData(id) == ["v1", "v2", "v3", "v4", "v5"])
        }
    }

    @Test("Only the leader accepts proposals, and it names the leader it knows")
    func followersRefuseProposals() {
        var h = Harness(["a", "b", "c"])
        h.elect("a")
        #expect(throws: ProposalError.notLeader(leaderHint: "a")) { try h["b"].propose(bytes("x")) }
    }

    @Test("§5.3: a follower refuses entries whose predecessor it lacks, with a hint for fast back-off")
    func inconsistentAppendIsRejectedWithHint() {
        var n = RaftNode(config: RaftConfig(id: "b", randomSeed: 1), restored: RaftRestoredState(), initialConfiguration: Configuration(voters: ["a", "b"]))
        _ = n.ready()
        let ae = AppendEntries(prevLogIndex: 10, prevLogTerm: 3, entries: [Entry(term: 3, index: 11)], leaderCommit: 0)
        n.step(Message(from: "a", to: "b", term: 3, body: .appendEntries(ae)))
        let rd = n.ready()
        let r = rd.messagesAfterPersist.compactMap { m -> AppendEntriesResponse? in
            if case .appendEntriesResponse(let r) = m.body { return r }
            return nil
        }.first
        #expect(r?.success == false)
        #expect(r?.conflictIndex == n.lastIndex.next, "too short: the hint is the end of our log")
    }

    @Test("§5.3: a follower deletes a conflicting suffix and takes the leader's entries")
    func conflictingSuffixIsTruncated() {
        let conf = Configuration(voters: ["a", "b"])
        // b holds entries 3 and 4 from term 2 that the term-3 leader never had.
        let boot = 2  // two bootstrap configuration entries at term 0
        let mine = (1...2).map { Entry(term: 2, index: LogIndex(UInt64(boot + $0)), data: bytes("old\($0)")) }
        let bootEntries = RaftNode(config: RaftConfig(id: "b", randomSeed: 1), restored: RaftRestoredState(), initialConfiguration: conf)
        let prefix = (1...boot).compactMap { bootEntries.entry(at: LogIndex(UInt64($0))) }
        var n = RaftNode(config: RaftConfig(id: "b", randomSeed: 1), restored: RaftRestoredState(hardState: HardState(term: 2, votedFor: nil, commit: 2), entries: prefix + mine), initialConfiguration: conf)
        _ = n.ready()
        let theirs = [Entry(term: 3, index: 3, data: bytes("new"))]
        n.step(Message(from: "a", to: "b", term: 3, body: .appendEntries(AppendEntries(prevLogIndex: 2, prevLogTerm: 0, entries: theirs, leaderCommit: 3))))
        #expect(n.lastIndex == LogIndex(3))
        #expect(n.entry(at: 3)?.data == bytes("new"))
        let rd = n.ready()
        #expect(rd.entries.first?.index == LogIndex(3), "the shell is told to overwrite from the conflict on")
        #expect(rd.committedEntries.last?.data == bytes("new"))
    }

    @Test("§5.4.2 / Figure 8: an entry from an earlier term is not committed by counting replicas")
    func oldTermEntryIsNotCommittedByCounting() {
        var h = leaderOfTerm3WithOldEntry(faults: .none)
        // b acknowledges the old entry: it is now on a majority, but from term 2.
        h["a"].step(Message(from: "b", to: "a", term: 3, body: .appendEntriesResponse(AppendEntriesResponse(success: true, index: 4))))
        #expect(h["a"].commitIndex == LogIndex(3))
        // Once the term-3 no-op is on a majority, both commit together.
        h["a"].step(Message(from: "b", to: "a", term: 3, body: .appendEntriesResponse(AppendEntriesResponse(success: true, index: 5))))
        #expect(h["a"].commitIndex == LogIndex(5))
    }

    @Test("Planted bug: commitOldTermByCounting commits the old entry by counting (Figure 8's mistake)")
    func plantedFigure8BugCommitsOldEntry() {
        var h = leaderOfTerm3WithOldEntry(faults: .commitOldTermByCounting)
        h["a"].step(Message(from: "b", to: "a", term: 3, body: .appendEntriesResponse(AppendEntriesResponse(success: true, index: 4))))
        #expect(h["a"].commitIndex == LogIndex(4))
    }

    /// a is leader of term 3 in {a, b, c}; its log: three bootstrap entries (committed), an
    /// uncommitted term-2 entry at 4, and (without the fault) its term-3 no-op at 5.
    func leaderOfTerm3WithOldEntry(faults: PlantedFaults) -> Harness {
        let conf = Configuration(voters: ["a", "b", "c"])
        let boot = RaftNode(config: RaftConfig(id: "a", randomSeed: 1), restored: RaftRestoredState(), initialConfiguration: conf)
        let prefix = (1...3).compactMap { boot.entry(at: LogIndex(UInt64($0))) }
        var entries = prefix
        entries.append(Entry(term: 2, index: 4, data: bytes("old")))
        var h = Harness([])
        var c = RaftConfig(id: "a", randomSeed: 1)
        c.faults = faults
        c.preVote = false
        var a = RaftNode(config: c, restored: RaftRestoredState(hardState: HardState(term: 2, votedFor: nil, commit: 3), entries: entries), initialConfiguration: conf)
        a.campaign()
        _ = a.ready()
        a.step(Message(from: "b", to: "a", term: 3, body: .requestVoteResponse(RequestVoteResponse(granted: true, preVote: false))))
        h.nodes["a"] = a
        h.flush("a")
        h.inbox = []
        return h
    }

    @Test("The leader's own entries count toward commitment only after advance()")
    func leaderCountsItselfOnlyAfterPersisting() throws {
        var h = Harness(["a", "b", "c"])
        h.elect("a")
        let i = try h["a"].propose(bytes("x"))
        // Deliver the append to b and its ack back, but do not let a persist its own Ready.
        var a = h["a"]
        let rd = a.ready()
        for m in rd.messages where m.to == "b" { h["b"].step(m) }
        var b = h["b"]
        let brd = b.ready()
        b.advance(brd)
        h["b"] = b
        for m in brd.messagesAfterPersist { a.step(m) }
        // One follower plus an undurable leader is not a majority of three.
        #expect(a.commitIndex < i)
        a.advance(rd)
        #expect(a.commitIndex >= i)
    }

    @Test("Pipelining: at most maxInflightAppends appends are in flight to a follower")
    func inflightWindowIsBounded() throws {
        var h = Harness(["a", "b"]) { $0.maxInflightAppends = 2; $0.maxEntriesPerAppend = 1 }
        h.elect("a")
        #expect(h["a"].progress["b"]?.state == .replicate)
        for k in 1...6 { try h["a"].propose(bytes("v\(k)")) }
        let appends = h.takeInbox().filter { m in
            if case .appendEntries(let ae) = m.body { return m.to == "b" && !ae.entries.isEmpty }
            return false
        }
        #expect(appends.count == 2)
    }

    @Test("Batching: one AppendEntries carries up to maxEntriesPerAppend entries")
    func appendsAreBatched() throws {
        var h = Harness(["a", "b"]) { $0.maxEntriesPerAppend = 3 }
        h.elect("a")
        h.isolated = ["b"]
        for k in 1...7 { try h["a"].propose(bytes("v\(k)")) }
        h.deliverAll()
        h.isolated = []
        // Knock b back to probing: the leader then resends in batches.
        h["a"].reportUnreachable("b")
        h.tickAll(times: 3)
        let sizes = h.sent.compactMap { s -> Int? in
            if case .appendEntries(let ae) = s.message.body, s.message.to == "b" { return ae.entries.count }
            return nil
        }
        #expect(sizes.max() == 3)
        #expect(h.appliedData("b").count == 7)
    }

    @Test("§5.3: a follower far behind catches up after the leader backs off")
    func laggingFollowerCatchesUp() throws {
        var h = Harness(["a", "b", "c"])
        h.elect("a")
        h.isolated = ["c"]
        for k in 1...20 { try h["a"].propose(bytes("v\(k)")) }
        h.deliverAll()
        h.isolated = []
        h.tickAll(times: 15)
        #expect(h.appliedData("c").count == 20)
        #expect(h["c"].lastIndex == h["a"].lastIndex)
    }
}

@Suite struct BoundedApplyTests {
    @Test("A Ready hands out at most maxCommittedEntriesPerReady committed entries; the next ones the rest, in log order")
    func committedEntriesComeInBoundedReadies() {
        let conf = Configuration(voters: ["a", "b"])
        var config = RaftConfig(id: "b", randomSeed: 1)
        config.maxCommittedEntriesPerReady = 4
        var n = RaftNode(config: config, restored: RaftRestoredState(), initialConfiguration: conf)
        var handedOut: [Entry] = []
        var sizes: [Int] = []
        func drain() {
            var rounds = 0
            while n.hasReady, rounds < 20 {
                rounds += 1
                let rd = n.ready()
                if !rd.committedEntries.isEmpty { sizes.append(rd.committedEntries.count) }
                handedOut += rd.committedEntries
                n.advance(rd)
            }
        }
        drain()
        let boot = n.lastIndex  // the bootstrap configuration's entries
        let es = (1...10).map { Entry(term: 1, index: LogIndex(boot.rawValue + UInt64($0)), data: bytes("e\($0)")) }
        n.step(Message(from: "a", to: "b", term: 1, body: .appendEntries(
            AppendEntries(prevLogIndex: boot, prevLogTerm: 0, entries: es, leaderCommit: LogIndex(boot.rawValue + 10)))))
        sizes = []
        let before = handedOut.count
        drain()
        #expect(sizes == [4, 4, 2], "10 committed entries in Readies of at most 4")
        #expect(handedOut[before...].map(\.index) == es.map(\.index))
        #expect(!n.hasReady)
    }
}
