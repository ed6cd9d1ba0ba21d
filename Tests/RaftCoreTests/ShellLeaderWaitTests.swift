// Requests that arrive while no leader is known, as the shell decides them: they wait for the
// election (up to ShellConfig.leaderWait), then go to the leader it elected, or get the
// no-leader refusal once the bound passes; never a hang, never a refusal before the bound.
import Testing
import RaftCore
import RaftShell

@Suite("Requests that wait in the shell for a leader")
struct ShellLeaderWaitTests {
    /// A member of a three-node cluster that has heard from no leader yet.
    func follower(_ config: ShellConfig = ShellConfig(requestTimeout: 5_000, leaderWait: 1_000)) -> NodeShell {
        let core = RaftNode(config: RaftConfig(id: "b", randomSeed: 1), restored: RaftRestoredState(), initialConfiguration: Configuration(voters: ["a", "b", "c"]))
        return NodeShell(core: core, config: config)
    }

    /// Leader "a"'s heartbeat in term 1.
    let heartbeat = Message(
        from: "a", to: "b", term: Term(1),
        body: .appendEntries(AppendEntries(prevLogIndex: .zero, prevLogTerm: .zero, entries: [], leaderCommit: .zero)))


    static func sent(_ actions: [ShellAction]) -> [Message] {
        actions.flatMap { a -> [Message] in if case .send(let ms) = a { ms } else { [] } }
    }

    @Test("A write that finds no leader waits, and goes back to the performer once a leader speaks")
    func writeWaitsForTheLeader() {
        var shell = follower()
        #expect(shell.awaitLeader(1, now: 0) == [], "nothing is answered while the election may still end")
        #expect(shell.leaderWaitCount == 1)
        #expect(shell.pendingRequestCount == 1)
        shell.step(heartbeat)
        let actions = settle(&shell, now: 300)
        #expect(actions.contains(.resubmit(1, leader: "a")))
        #expect(!actions.contains { if case .refuse = $0 { true } else { false } })
        #expect(shell.leaderWaitCount == 0)
        #expect(shell.pendingRequestCount == 0, "the performer holds the write again")
    }

    @Test("With no leader by the bound, the write gets the no-leader refusal at that tick, not before")
    func boundPasses() {
        var shell = follower()
        _ = shell.awaitLeader(1, now: 0)
        _ = shell.awaitLeader(2, now: 400)
        #expect(!shell.tick(now: 999).contains(.refuse(1, .noLeader)))
        let atBound = shell.tick(now: 1_000)
        #expect(atBound.contains(.refuse(1, .noLeader)))
        #expect(!atBound.contains(.refuse(2, .noLeader)), "the later write keeps its own bound")
        #expect(shell.tick(now: 1_400).contains(.refuse(2, .noLeader)))
        #expect(shell.pendingRequestCount == 0)
    }

    @Test("A read that finds no leader waits, then joins a ReadIndex round with the leader")
    func readWaitsThenAsksTheLeader() {
        var shell = follower()
        #expect(shell.read(token: 5, now: 0) == [])
        #expect(shell.leaderWaitCount == 1)
        shell.step(heartbeat)
        let actions = settle(&shell, now: 200)
        #expect(shell.leaderWaitCount == 0)
        #expect(shell.pendingRequestCount == 1, "the read waits for its read index now")
        #expect(Self.sent(actions).contains { m in
            if case .readIndex = m.body { m.to == "a" } else { false }
        }, "the read went to the leader as a ReadIndex request: \(actions)")
    }

    @Test("A node that wins the election itself hands the waiting write back to be proposed here")
    func electedHere() {
        let core = RaftNode(config: RaftConfig(id: "a", randomSeed: 1), restored: RaftRestoredState(), initialConfiguration: Configuration(voters: ["a"]))
        var shell = NodeShell(core: core, config: ShellConfig(leaderWait: 1_000))
        _ = shell.awaitLeader(1, now: 0)
        shell.core.campaign()
        #expect(settle(&shell).contains(.resubmit(1, leader: "a")))
    }

    @Test("A request handed to the wait while a leader is known is released by the next event, not by the call")
    func releasedOnNextEvent() {
        var shell = follower()
        shell.step(heartbeat)
        _ = settle(&shell)
        #expect(shell.awaitLeader(1, now: 0) == [], "no resubmit from inside the call: a performer never loops")
        #expect(shell.tick(now: 50).contains(.resubmit(1, leader: "a")))
    }

    @Test("With no wait configured, a request that finds no leader is refused at once, as before")
    func noWaitConfigured() {
        var shell = follower(ShellConfig(leaderWait: 0))
        #expect(shell.awaitLeader(1, now: 0) == [.refuse(1, .noLeader)])
        #expect(shell.read(token: 2, now: 0) == [.refuse(2, .noLeader)])
        #expect(shell.pendingRequestCount == 0)
    }

    @Test("Stopping answers every request waiting for a leader as shutting down")
    func stopAnswersWaiters() {
        var shell = follower()
        _ = shell.awaitLeader(1, now: 0)
        _ = shell.read(token: 2, now: 0)
        #expect(Set(shell.stop().map { "\($0)" }) == Set([ShellAction.refuse(1, .shuttingDown), .refuse(2, .shuttingDown)].map { "\($0)" }))
        #expect(shell.awaitLeader(3, now: 0) == [.refuse(3, .shuttingDown)])
    }
}
