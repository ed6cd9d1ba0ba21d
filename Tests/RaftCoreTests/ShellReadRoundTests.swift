// ReadIndex rounds as the shell runs them on a follower: reads that arrive while a round is out
// start the next round in the next Ready (up to ShellConfig.readRoundsInFlight) instead of
// waiting for the first to come back, and round ids differ between incarnations of a node, so
// an answer that outlived a restart serves no read of the new life.
import Testing
import RaftCore
import RaftShell

@Suite("ReadIndex rounds in the shell")
struct ShellReadRoundTests {
    /// Member "b" of a three-node cluster, following leader "a" (term 1), started with `seed`.
    func follower(seed: UInt64, inFlight: Int = 4) -> NodeShell {
        let core = RaftNode(config: RaftConfig(id: "b", randomSeed: seed), restored: RaftRestoredState(), initialConfiguration: Configuration(voters: ["a", "b", "c"]))
        var config = ShellConfig()
        config.readRoundsInFlight = inFlight
        var shell = NodeShell(core: core, config: config)
        shell.step(Message(from: "a", to: "b", term: Term(1), body: .appendEntries(AppendEntries(prevLogIndex: .zero, prevLogTerm: .zero, entries: [], leaderCommit: .zero))))
        _ = settle(&shell)
        return shell
    }

    /// The ids of the ReadIndex requests sent to the leader.
    func readRequests(_ actions: [ShellAction]) -> [UInt64] {
        actions.flatMap { a -> [UInt64] in
            guard case .send(let ms) = a else { return [] }
            return ms.compactMap { m in if case .readIndex(let id) = m.body { id } else { nil } }
        }
    }

    @Test("Reads that arrive while a round is out go out together in the next Ready, up to the limit")
    func roundsOverlapUpToTheLimit() {
        var shell = follower(seed: 1, inFlight: 2)
        _ = shell.read(token: 1, now: 0)
        let first = readRequests(settle(&shell))
        #expect(first.count == 1, "an idle follower asks at once")
        _ = shell.read(token: 2, now: 1)
        _ = shell.read(token: 3, now: 1)
        let second = readRequests(shell.ready(now: 1))
        #expect(second.count == 1, "the two reads of one turn share one more round, not one each")
        _ = shell.read(token: 4, now: 2)
        #expect(readRequests(shell.ready(now: 2)).isEmpty, "two rounds are out: the third waits")
        // The first round comes back: its read is served once applied, and the waiting read goes out.
        shell.step(Message(from: "a", to: "b", term: Term(1), body: .readIndexResponse(requestID: first[0], index: .zero, ok: true)))
        let after = settle(&shell, now: 3)
        #expect(after.contains { if case .serveRead(1, _) = $0 { true } else { false } })
        #expect(readRequests(after).count == 1, "the waiting read starts a round as soon as one came back")
    }

    @Test("After a restart, a late answer to a round of the previous life serves no read")
    func answersFromAnEarlierLifeAreIgnored() {
        var before = follower(seed: 11)
        _ = before.read(token: 1, now: 0)
        let oldID = try! #require(readRequests(settle(&before)).first)
        var after = follower(seed: 12)  // the same node, started again (a new seed each start)
        _ = after.read(token: 7, now: 0)
        let newID = try! #require(readRequests(settle(&after)).first)
        #expect(newID != oldID)
        after.step(Message(from: "a", to: "b", term: Term(1), body: .readIndexResponse(requestID: oldID, index: .zero, ok: true)))
        let actions = settle(&after, now: 1)
        #expect(!actions.contains { if case .serveRead = $0 { true } else { false } }, "an answer to the old round served a new read: \(actions)")
        after.step(Message(from: "a", to: "b", term: Term(1), body: .readIndexResponse(requestID: newID, index: .zero, ok: true)))
        #expect(settle(&after, now: 2).contains { if case .serveRead(7, _) = $0 { true } else { false } })
    }
}
