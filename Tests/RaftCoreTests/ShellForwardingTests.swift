// Follower forwarding as the shell decides it: which request went to which leader, until when,
// and how each ends (the leader's reply, its link closing, the deadline, no link, shutdown).
import Testing
import RaftCore
import RaftShell

@Suite("Forwarding through the node's shell")
struct ShellForwardingTests {
    /// A member of a three-node cluster that has heard from no leader yet.
    func follower(_ config: ShellConfig = ShellConfig(requestTimeout: 1_000)) -> NodeShell {
        let core = RaftNode(config: RaftConfig(id: "b", randomSeed: 1), restored: RaftRestoredState(), initialConfiguration: Configuration(voters: ["a", "b", "c"]))
        return NodeShell(core: core, config: config)
    }

    func relayID(_ actions: [ShellAction]) throws -> UInt64 {
        guard case .forward(_, let id, _)? = actions.first(where: { if case .forward = $0 { true } else { false } }) else {
            Issue.record("no .forward in \(actions)")
            throw CancellationError()
        }
        return id
    }

    @Test("A relayed request is sent to the leader and answered with the leader's reply bytes, once")
    func replyReachesTheClient() throws {
        var shell = follower()
        let actions = shell.forward(7, to: "a", now: 0)
        let id = try relayID(actions)
        #expect(actions == [.forward(7, id: id, to: "a")])
        #expect(shell.pendingRequestCount == 1)
        #expect(shell.forwardAnswered(id: id, reply: Array("+OK\r\n".utf8)) == [.forwardedReply(7, Array("+OK\r\n".utf8))])
        #expect(shell.forwardAnswered(id: id, reply: Array("+OK\r\n".utf8)) == [], "a second reply finds nobody waiting")
        #expect(shell.pendingRequestCount == 0)
    }

    @Test("The link to the leader closing ends only the requests relayed over it: outcome unknown")
    func linkClosedAnswersItsRequests() throws {
        var shell = follower()
        let toA = try relayID(shell.forward(1, to: "a", now: 0))
        _ = try relayID(shell.forward(2, to: "c", now: 0))
        #expect(shell.linkClosed(to: "a") == [.refuse(1, .leadershipLost)])
        #expect(shell.forwardAnswered(id: toA, reply: [0x2B]) == [])
        #expect(shell.relayedRequestCount == 1)
    }

    @Test("A relayed request unanswered by its deadline gets a retryable timeout at the next tick")
    func deadlinePasses() throws {
        var shell = follower()
        _ = try relayID(shell.forward(1, to: "a", now: 0))
        _ = try relayID(shell.forward(2, to: "a", now: 500, timeout: 2_000))
        #expect(!shell.tick(now: 999).contains(.refuse(1, .writeTimedOut)))
        #expect(shell.tick(now: 1_000).contains(.refuse(1, .writeTimedOut)))
        #expect(shell.relayedRequestCount == 1)
    }

    @Test("A request with no link to its leader is refused naming the leader; a join tied to no leader is refused as no leader")
    func undeliverable() throws {
        var shell = follower()
        let id = try relayID(shell.forward(1, to: "a", now: 0))
        #expect(shell.forwardUndeliverable(id: id) == [.refuse(1, .leaderUnreachable("a"))])
        let join = shell.awaitRelayReply(2, now: 0, timeout: 3_000)
        #expect(shell.linkClosed(to: "a") == [], "a join is tied to no leader")
        #expect(shell.forwardUndeliverable(id: join) == [.refuse(2, .noLeader)])
    }

    @Test("Stopping answers every relayed request as shutting down")
    func stopAnswersRelays() throws {
        var shell = follower()
        _ = try relayID(shell.forward(1, to: "a", now: 0))
        _ = shell.awaitRelayReply(2, now: 0, timeout: 3_000)
        #expect(Set(shell.stop().map { "\($0)" }) == Set([ShellAction.refuse(1, .shuttingDown), .refuse(2, .shuttingDown)].map { "\($0)" }))
        #expect(shell.forward(3, to: "a", now: 0) == [.refuse(3, .shuttingDown)])
    }

    @Test("Under the planted fault a relayed write is acknowledged before the leader answers (UNSAFE)")
    func plantedFaultAcknowledgesEarly() throws {
        var shell = follower(ShellConfig(unsafeFaults: .ackForwardBeforeReply))
        let actions = shell.forward(1, to: "a", now: 0)
        let id = try relayID(actions)
        #expect(actions == [.forward(1, id: id, to: "a"), .acknowledgeUnsafely(1)])
        #expect(shell.forwardAnswered(id: id, reply: [0x2B]) == [])
    }
}
