// Single-server membership changes and learners (dissertation §4.1, §4.2).

import Testing
import RaftCore

@Suite("Membership changes (dissertation §4)")
struct MembershipTests {
    @Test("ConfChange encodes to bytes and decodes back; bad bytes give clear errors")
    func confChangeRoundTrip() throws {
        let cc = ConfChange(kind: .addLearner, node: "n4", address: "127.0.0.1:7004")
        #expect(try ConfChange(decoding: cc.encoded) == cc)
        #expect(throws: ConfChangeDecodingError.empty) { try ConfChange(decoding: []) }
        #expect(throws: ConfChangeDecodingError.unsupportedVersion(9)) { try ConfChange(decoding: [9, 0]) }
        #expect(throws: ConfChangeDecodingError.unknownKind(77)) { try ConfChange(decoding: [1, 77]) }
        #expect(throws: ConfChangeDecodingError.truncated) { try ConfChange(decoding: Array(cc.encoded.dropLast())) }
        #expect(throws: ConfChangeDecodingError.trailingBytes(1)) { try ConfChange(decoding: cc.encoded + [0]) }
    }

    @Test("A learner is added, catches up, never votes or campaigns, then is promoted to voter")
    func learnerLifecycle() throws {
        var h = Harness(["a", "b", "c"])
        h.elect("a")
        for k in 1...5 { try h["a"].propose(bytes("v\(k)")) }
        h.deliverAll()
        h.addJoiner("d")
        try h["a"].proposeConfChange(ConfChange(kind: .addLearner, node: "d"))
        h.tickAll(times: 5)
        #expect(h["d"].role == .learner)
        #expect(h.appliedData("d") == ["v1", "v2", "v3", "v4", "v5"])
        #expect(h["a"].configuration.learners == ["d"])
        // A learner never campaigns, however long it waits.
        h.isolated = ["d"]
        h.tick("d", times: 50)
        #expect(h["d"].role == .learner)
        #expect(h.sent.allSatisfy { $0.message.from != "d" || !isVoteRequest($0.message) })
        h.isolated = []
        h.tickAll(times: 3)
        try h["a"].proposeConfChange(ConfChange(kind: .promoteToVoter, node: "d"))
        h.tickAll(times: 3)
        #expect(h["d"].role == .follower)
        #expect(h["a"].configuration.voters == ["a", "b", "c", "d"])
        #expect(h["d"].configuration == h["a"].configuration)
    }

    @Test("A learner never votes, even for a candidate with a better log")
    func learnerNeverVotes() {
        var n = RaftNode(config: RaftConfig(id: "d", randomSeed: 1), restored: RaftRestoredState(),
                         initialConfiguration: Configuration(voters: ["a", "b", "c"], learners: ["d"]))
        #expect(n.role == .learner)
        _ = n.ready()
        n.step(Message(from: "b", to: "d", term: 5, body: .requestVote(RequestVote(lastLogIndex: 1000, lastLogTerm: 1000, preVote: false))))
        let answers = n.ready().messagesAfterPersist.compactMap { m -> Bool? in
            if case .requestVoteResponse(let r) = m.body { return r.granted }
            return nil
        }
        #expect(answers == [false])
    }

    @Test("§4.1: one change at a time: a second change waits until the first commits")
    func oneChangeAtATime() throws {
        var h = Harness(["a", "b", "c"])
        h.elect("a")
        h.isolated = ["b", "c"]
        try h["a"].proposeConfChange(ConfChange(kind: .addLearner, node: "d"))
        #expect(throws: ProposalError.configChangeInProgress) {
            try h["a"].proposeConfChange(ConfChange(kind: .addLearner, node: "e"))
        }
    }

    @Test("§4.1: the configuration takes effect when appended, before it commits, and reverts if truncated")
    func configurationTakesEffectOnAppend() throws {
        var h = Harness(["a", "b", "c"])
        h.elect("a")
        h.isolated = ["c"]
        h.drop = { m in
            if case .appendEntriesResponse = m.body { return true }  // nothing can commit
            return false
        }
        try h["a"].proposeConfChange(ConfChange(kind: .addLearner, node: "d"))
        h.deliverAll()
        #expect(h["a"].configuration.learners == ["d"])
        #expect(h["b"].configuration.learners == ["d"], "b uses it as soon as it is in b's log")
        #expect(h["b"].commitIndex < h["b"].lastIndex)
        // A later leader whose log lacks that entry overwrites it: b reverts at once.
        let k = h["b"].lastIndex
        let prevTerm = h["b"].term(at: k.previous)!
        let other = Entry(term: h["b"].term.next, index: k, kind: .normal, data: bytes("other"))
        let ae = AppendEntries(prevLogIndex: k.previous, prevLogTerm: prevTerm, entries: [other], leaderCommit: .zero)
        h["b"].step(Message(from: "c", to: "b", term: other.term, body: .appendEntries(ae)))
        #expect(h["b"].configuration.learners.isEmpty)
        #expect(h["b"].entry(at: k)?.data == bytes("other"))
    }

    @Test("A node removed from the configuration stops campaigning; the cluster goes on without it")
    func removedNodeStopsCampaigning() throws {
        var h = Harness(["a", "b", "c"], preVote: true, checkQuorum: true)
        h.elect("a")
        try h["a"].proposeConfChange(ConfChange(kind: .remove, node: "c"))
        h.tickAll(times: 3)
        #expect(h["c"].configuration.voters == ["a", "b"])
        let before = h.sent.count
        h.tick("c", times: 60)
        #expect(!h.sent[before...].contains { $0.message.from == "c" && isVoteRequest($0.message) })
        #expect(throws: ProposalError.removed) { try h["c"].propose(bytes("x")) }
        try h["a"].propose(bytes("after"))
        h.tickAll(times: 2)
        #expect(h.appliedData("b").last == "after")
    }

    @Test("§4.2.2: a leader that removes itself steps down once the removal commits")
    func leaderRemovingItselfStepsDown() throws {
        var h = Harness(["a", "b", "c"])
        h.elect("a")
        try h["a"].proposeConfChange(ConfChange(kind: .remove, node: "a"))
        h.deliverAll()
        h.tick("a")
        h.deliverAll()
        #expect(h["a"].role != .leader)
        h.tickAll(times: 40)
        #expect(h.leaders.count == 1 && h.leaders != ["a"])
    }

    @Test("A new leader refuses configuration changes until it commits an entry of its term")
    func newLeaderWaitsForItsFirstCommit() throws {
        var h = Harness(["a", "b", "c"])
        h["a"].campaign()
        // Win the election but deliver no AppendEntries acknowledgement yet.
        h.drop = { m in
            if case .appendEntriesResponse = m.body { return true }
            return false
        }
        h.deliverAll()
        #expect(h["a"].role == .leader)
        #expect(throws: ProposalError.configChangeInProgress) {
            try h["a"].proposeConfChange(ConfChange(kind: .addLearner, node: "d"))
        }
    }

    @Test("Invalid changes are refused with a reason")
    func invalidChangesAreRefused() {
        var h = Harness(["a", "b", "c"])
        h.elect("a")
        #expect(throws: ProposalError.invalidConfChange("b is already a voter")) {
            try h["a"].proposeConfChange(ConfChange(kind: .addVoter, node: "b"))
        }
        #expect(throws: ProposalError.invalidConfChange("z is not a learner")) {
            try h["a"].proposeConfChange(ConfChange(kind: .promoteToVoter, node: "z"))
        }
    }
}

func isVoteRequest(_ m: Message) -> Bool {
    if case .requestVote = m.body { return true }
    return false
}
