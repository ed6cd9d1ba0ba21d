// Membership requests as the shell decides them, one event at a time: a change that must wait
// for the previous one is retried every tick until its deadline; a leadership transfer ends when
// leadership moved, was given up, or time ran out; a joining node's requests follow a schedule
// (round robin, soon after a refusal, now and then once admitted) until the log names it.
import Testing
import RaftCore
import RaftShell

@Suite("Membership requests through the node's shell")
struct ShellMembershipTests {
    /// A one-node cluster's leader with its first entry applied.
    func soleLeader() -> NodeShell {
        var core = RaftNode(config: RaftConfig(id: "a", randomSeed: 1), restored: RaftRestoredState(), initialConfiguration: Configuration(voters: ["a"]))
        core.campaign()
        var shell = NodeShell(core: core)
        _ = settle(&shell)
        return shell
    }

    /// The leader of a three-node cluster, elected on the unit-test network.
    func leaderOfThree() -> NodeShell {
        var h = Harness(["a", "b", "c"])
        h.elect("a")
        return NodeShell(core: h["a"])
    }


    static func proposed(_ actions: [ShellAction]) -> [ConfChange] {
        actions.compactMap { if case .confChangeProposed(let c, _) = $0 { c } else { nil } }
    }

    static func answered(_ actions: [ShellAction]) -> [RequestToken] {
        actions.flatMap { a -> [RequestToken] in if case .apply(_, let replyTo) = a { Array(replyTo.values) } else { [] } }
    }

    /// Leader `id`'s heartbeat in `term`.
    static func heartbeat(from id: NodeID, term: Term) -> Message {
        Message(from: id, to: "a", term: term, body: .appendEntries(AppendEntries(prevLogIndex: .zero, prevLogTerm: .zero, entries: [], leaderCommit: .zero)))
    }

    @Test("A change that must wait for the previous one is retried at the next tick once that one is applied")
    func queuedChangeIsRetried() {
        var shell = soleLeader()
        let learnerB = ConfChange(kind: .addLearner, node: "b", address: "b:1")
        let learnerC = ConfChange(kind: .addLearner, node: "c", address: "c:1")
        #expect(Self.proposed(shell.proposeConfChange(learnerB, token: 1, now: 0, wait: 2_000)) == [learnerB])
        #expect(shell.proposeConfChange(learnerC, token: 2, now: 0, wait: 2_000) == [], "one change at a time: c waits")
        #expect(shell.queuedConfChangeCount == 1)
        #expect(Self.answered(settle(&shell)) == [1], "b's change is answered once applied")
        #expect(Self.proposed(shell.tick(now: 100)) == [learnerC])
        #expect(shell.queuedConfChangeCount == 0)
        #expect(Self.answered(settle(&shell)) == [2])
        #expect(shell.core.configuration.learners == ["b", "c"])
    }

    @Test("A queued change still blocked at its deadline is refused with the core's reason")
    func queuedChangeTimesOut() {
        var shell = soleLeader()
        _ = shell.proposeConfChange(ConfChange(kind: .addLearner, node: "b", address: "b:1"), token: 1, now: 0, wait: 2_000)
        _ = shell.proposeConfChange(ConfChange(kind: .addLearner, node: "c", address: "c:1"), token: 2, now: 0, wait: 500)
        #expect(shell.tick(now: 499) == [])
        #expect(shell.tick(now: 500) == [.refuse(2, .confChangeRefused(.configChangeInProgress))])
        #expect(shell.queuedConfChangeCount == 0)
    }

    @Test("A change the core refuses outright is refused at once, not queued")
    func invalidChangeIsRefused() {
        var shell = soleLeader()
        let actions = shell.proposeConfChange(ConfChange(kind: .remove, node: "a"), token: 1, now: 0, wait: 2_000)
        #expect(actions.count == 1)
        guard case .refuse(1, .confChangeRefused(.invalidConfChange))? = actions.first else {
            Issue.record("expected the core's refusal, got \(actions)")
            return
        }
        #expect(shell.queuedConfChangeCount == 0)
    }

    @Test("A transfer ends as completed when its target leads, or names the node that took over instead")
    func transferOutcomes() {
        var toB = leaderOfThree()
        #expect(toB.transferLeadership(to: "b", token: 1, now: 0, timeout: 2_000) == [])
        #expect(toB.transferWaitCount == 1)
        #expect(toB.tick(now: 50) == [], "still under way")
        toB.step(Self.heartbeat(from: "b", term: Term(toB.core.term.rawValue + 1)))
        #expect(toB.tick(now: 100).contains(.transferEnded(1, target: "b", .completed)))

        var toC = leaderOfThree()
        _ = toC.transferLeadership(to: "b", token: 1, now: 0, timeout: 2_000)
        toC.step(Self.heartbeat(from: "c", term: Term(toC.core.term.rawValue + 1)))
        #expect(toC.tick(now: 50).contains(.transferEnded(1, target: "b", .movedTo("c"))))
    }

    @Test("A transfer the core gives up, or one past its deadline, ends with that outcome")
    func transferGivenUpOrTimedOut() {
        var late = leaderOfThree()
        _ = late.transferLeadership(to: "b", token: 1, now: 0, timeout: 100)
        #expect(late.tick(now: 100).contains(.transferEnded(1, target: "b", .timedOut)))

        var abandoned = leaderOfThree()
        _ = abandoned.transferLeadership(to: "b", token: 2, now: 0, timeout: 60_000)
        var ended: [ShellAction] = []
        for t in 1...30 where ended.isEmpty {
            ended = abandoned.tick(now: UInt64(t) * 50).filter { if case .transferEnded = $0 { true } else { false } }
        }
        #expect(ended == [.transferEnded(2, target: "b", .abandoned)], "the core abandons a transfer after an election timeout")
    }

    @Test("A transfer asked of a node that does not lead is refused with the core's reason")
    func transferRefused() {
        let core = RaftNode(config: RaftConfig(id: "b", randomSeed: 1), restored: RaftRestoredState(), initialConfiguration: Configuration(voters: ["a", "b", "c"]))
        var shell = NodeShell(core: core)
        #expect(shell.transferLeadership(to: "c", token: 1, now: 0, timeout: 1_000) == [.refuse(1, .transferRefused(.notLeader(leaderHint: nil)))])
        #expect(shell.transferWaitCount == 0)
    }

    @Test("A joining node asks each member in turn: soon after a refusal, now and then once admitted, never two at once")
    func joinSchedule() {
        let core = RaftNode(config: RaftConfig(id: "j", randomSeed: 1), restored: RaftRestoredState(), initialConfiguration: Configuration())
        var shell = NodeShell(core: core)
        shell.startJoining(targets: 2)
        #expect(shell.tick(now: 0) == [.sendJoinRequest(target: 0)])
        #expect(shell.tick(now: 1_000) == [], "one request in flight at a time")
        shell.joinAnswered(admitted: false, now: 1_000)
        #expect(shell.tick(now: 1_299) == [])
        #expect(shell.tick(now: 1_300) == [.sendJoinRequest(target: 1)], "a refusal moves on to the next member")
        shell.joinAnswered(admitted: true, now: 1_300)
        #expect(shell.tick(now: 3_299) == [])
        #expect(shell.tick(now: 3_300) == [.sendJoinRequest(target: 1)], "admitted: the same member again, until the log names us")
        shell.joinAnswered(admitted: true, now: 3_300)
        #expect(shell.tick(now: 11_301).contains(.joinUnreached), "admitted 10 s ago and still no log")
        shell.joinAnswered(admitted: true, now: 11_301)
        #expect(!shell.tick(now: 20_000).contains(.joinUnreached), "warned once")
    }

    @Test("Joining ends when this node's configuration names it")
    func joinEnds() {
        let core = RaftNode(config: RaftConfig(id: "j", randomSeed: 1), restored: RaftRestoredState(), initialConfiguration: Configuration(voters: ["a"], learners: ["j"]))
        var shell = NodeShell(core: core)
        shell.startJoining(targets: 1)
        #expect(shell.tick(now: 0) == [.joined(asVoter: false)])
        #expect(shell.joinSchedule == nil)
        #expect(shell.tick(now: 1_000) == [])
    }

    @Test("Stopping answers the queued changes and the waiting transfers as shutting down")
    func stopAnswersMembershipRequests() {
        var shell = soleLeader()
        _ = shell.proposeConfChange(ConfChange(kind: .addLearner, node: "b", address: "b:1"), token: 1, now: 0, wait: 2_000)
        _ = shell.proposeConfChange(ConfChange(kind: .addLearner, node: "c", address: "c:1"), token: 2, now: 0, wait: 2_000)
        var three = leaderOfThree()
        _ = three.transferLeadership(to: "b", token: 3, now: 0, timeout: 2_000)
        #expect(shell.stop().contains(.refuse(2, .shuttingDown)))
        #expect(three.stop() == [.refuse(3, .shuttingDown)])
    }
}
