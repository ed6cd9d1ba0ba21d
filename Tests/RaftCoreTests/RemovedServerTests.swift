import RaftCore
import Testing

/// A server removed while it was unreachable never sees its removal, keeps its old
/// configuration and campaigns. The members must not let it disturb them (dissertation §4.2.3).
@Suite("Removed servers")
struct RemovedServerTests {
    /// Removes "c" while it is cut off, then lets it campaign on its own for a long while.
    /// PreVote and CheckQuorum are off: the worst case, where only the membership rule stands
    /// between the removed server and the members' terms.
    func clusterWithCampaigningRemovedServer(preVote: Bool, checkQuorum: Bool) throws -> (Harness, Term) {
        var h = Harness(["a", "b", "c"], preVote: preVote, checkQuorum: checkQuorum)
        h.elect("a")
        try h["a"].propose(bytes("before"))
        h.deliverAll()
        h.isolated = ["c"]
        try h["a"].proposeConfChange(ConfChange(kind: .remove, node: "c"))
        h.tickAll(times: 3)
        #expect(h["b"].configuration.voters == ["a", "b"])
        #expect(h["c"].configuration.voters == ["a", "b", "c"], "c missed its removal")
        let term = h["a"].term
        // c campaigns alone, several elections' worth, bumping its own term each time.
        h.tick("c", times: 100)
        #expect(h["c"].term > term || preVote, "without PreVote c's term climbs while it is cut off")
        h.isolated = []
        return (h, term)
    }

    @Test("Vote requests from a removed server do not raise the members' term or depose the leader")
    func removedServerCannotDisruptWithoutPreVote() throws {
        var (h, term) = try clusterWithCampaigningRemovedServer(preVote: false, checkQuorum: false)
        let before = h.sent.count
        h.tick("c", times: 60)
        h.deliverAll()
        #expect(h.sent[before...].contains { $0.message.from == "c" && isVoteRequest($0.message) }, "c did campaign")
        #expect(h["a"].role == .leader)
        #expect(h["a"].term == term)
        #expect(h["b"].term == term)
        #expect(!h.sent[before...].contains { $0.message.to == "c" && $0.message.from != "c" && isVoteResponse($0.message) },
                "members never answer a removed server's vote requests")
        try h["a"].propose(bytes("after"))
        h.tickAll(times: 2)
        #expect(h.appliedData("b").last == "after")
    }

    @Test("With PreVote and CheckQuorum a removed server's pre-votes are ignored too")
    func removedServerPreVotesAreIgnored() throws {
        var (h, term) = try clusterWithCampaigningRemovedServer(preVote: true, checkQuorum: true)
        let before = h.sent.count
        h.tickAll(times: 60)
        #expect(h["a"].role == .leader && h["a"].term == term && h["b"].term == term)
        #expect(!h.sent[before...].contains { $0.message.to == "c" && isVoteResponse($0.message) })
    }

    @Test("A member still votes for a candidate in its configuration")
    func membersStillElectEachOther() throws {
        var h = Harness(["a", "b", "c"])
        h.elect("a")
        h.isolated = ["a"]
        h.elect("b")
        #expect(h["b"].role == .leader)
    }
}

func isVoteResponse(_ m: Message) -> Bool {
    if case .requestVoteResponse = m.body { return true }
    return false
}
