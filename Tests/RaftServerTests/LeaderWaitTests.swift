import Foundation
import RESP
import Testing

/// A request that reaches a node while it knows no leader (its leader just died, the election
/// is under way) waits for the election, briefly (--leader-wait-ms, 1 s by default), instead of
/// getting CLUSTERDOWN at once: it is answered by the new leader, or with CLUSTERDOWN once the
/// wait is over; never left hanging. Nodes run with --tick-ms 50: an election timeout of
/// 250-500 ms.
@Suite(.serialized) struct LeaderWaitTests {
    static let noLeaderText = "CLUSTERDOWN No leader elected yet, try again"
    /// The wait (1 s) plus a loaded machine's delays, far below the 5 s request timeout.
    static let bound = 2.0

    /// Polls `port`'s INFO until it reports no leader (the election under way); bounded.
    static func waitUntilLeaderless(_ port: Int, seconds: Double = 5) -> Bool {
        let deadline = Date().addingTimeInterval(seconds)
        while Date() < deadline {
            if let c = try? TestClient(port: port, timeoutSeconds: 1), let info = try? c.call("INFO", "raft").text,
                let line = info.split(whereSeparator: \.isNewline).first(where: { $0.hasPrefix("leader:") }),
                line.dropFirst("leader:".count).trimmingCharacters(in: .whitespaces).isEmpty
            {
                return true
            }
            Thread.sleep(forTimeInterval: 0.01)
        }
        return false
    }

    static func isRetryable(_ reply: RESPValue?) -> Bool {
        guard case .error(let e)? = reply else { return false }
        return e == noLeaderText || e.hasPrefix("TRYAGAIN")
    }

    static func signal(_ cluster: NodeProcesses, _ id: String, _ sig: Int32) {
        guard let n = cluster.nodes.first(where: { $0.id == id }), n.process.isRunning else { return }
        kill(n.process.processIdentifier, sig)
    }

    /// Kills the leader and pauses one follower, so the other surely knows no leader (its own
    /// election cannot succeed alone) when the request is sent; the paused one resumes just after
    /// it, and the two elect a leader while the request waits. Returns the leaderless follower.
    static func leaderlessFollower(_ cluster: NodeProcesses, paused: inout String) throws -> NodeProcesses.Node {
        let leader = try cluster.waitForLeader()
        let followers = cluster.nodes.filter { $0.id != leader.id }
        paused = followers[1].id
        signal(cluster, paused, SIGSTOP)
        cluster.kill(id: leader.id)
        try #require(waitUntilLeaderless(followers[0].port), "node \(followers[0].id) never gave up its dead leader\n\(cluster.logs())")
        return followers[0]
    }

    /// The reply came in time; an error is acceptable only after the whole wait (the election
    /// lasted longer than it on a loaded machine), never at once as before.
    static func checkAnswered(_ reply: RESPValue?, expected: String, seconds: Double, _ cluster: NodeProcesses) {
        #expect(seconds < bound, "answered \(seconds)s after sending\n\(cluster.logs())")
        if reply?.text != expected {
            #expect(isRetryable(reply), "\(String(describing: reply))")
            #expect(seconds >= 0.9, "refused after \(seconds)s (\(String(describing: reply))): it did not wait for the election")
        }
    }

    @Test func aWriteDuringTheElectionIsAnsweredByTheNewLeader() throws {
        let cluster = NodeProcesses()
        defer { cluster.stopAll() }
        try cluster.startCluster(size: 3, base: NodeProcesses.portBase())
        var paused = ""
        let follower = try Self.leaderlessFollower(cluster, paused: &paused)
        let client = try TestClient(port: follower.port, timeoutSeconds: 10)
        let sentAt = Date()
        try client.sendRaw(TestClient.encode(["SET", "during-election", "1"]))
        Thread.sleep(forTimeInterval: 0.1)
        Self.signal(cluster, paused, SIGCONT)
        let reply = try client.readReply()
        Self.checkAnswered(reply, expected: "OK", seconds: Date().timeIntervalSince(sentAt), cluster)
        if reply?.text == "OK" {
            let newLeader = try cluster.waitForLeader(among: [follower.id, paused])
            #expect(try TestClient(port: newLeader.port).call("GET", "during-election").text == "1")
        }
    }

    @Test func aReadDuringTheElectionIsAnsweredByTheNewLeader() throws {
        let cluster = NodeProcesses()
        defer { cluster.stopAll() }
        try cluster.startCluster(size: 3, base: NodeProcesses.portBase())
        let leader = try cluster.waitForLeader()
        #expect(try TestClient(port: leader.port).call("SET", "before", "1").text == "OK")
        var paused = ""
        let follower = try Self.leaderlessFollower(cluster, paused: &paused)
        let client = try TestClient(port: follower.port, timeoutSeconds: 10)
        let sentAt = Date()
        try client.sendRaw(TestClient.encode(["GET", "before"]))
        Thread.sleep(forTimeInterval: 0.1)
        Self.signal(cluster, paused, SIGCONT)
        Self.checkAnswered(try client.readReply(), expected: "1", seconds: Date().timeIntervalSince(sentAt), cluster)
    }

    @Test func withNoMajorityAliveAWriteGetsClusterDownOnceTheWaitIsOver() throws {
        let cluster = NodeProcesses()
        defer { cluster.stopAll() }
        try cluster.startCluster(size: 3, base: NodeProcesses.portBase())
        let leader = try cluster.waitForLeader()
        let others = cluster.nodes.filter { $0.id != leader.id }
        let alone = others[0]
        let client = try TestClient(port: alone.port, timeoutSeconds: 10)
        cluster.kill(id: leader.id)
        cluster.kill(id: others[1].id)
        try #require(Self.waitUntilLeaderless(alone.port), "node \(alone.id) never gave up its dead leader\n\(cluster.logs())")
        let sentAt = Date()
        let reply = try client.call("SET", "no-majority", "1")
        let seconds = Date().timeIntervalSince(sentAt)
        #expect(reply == .error(Self.noLeaderText), "\(String(describing: reply))")
        #expect(seconds >= 0.9, "refused after \(seconds)s: it did not wait for an election")
        #expect(seconds < Self.bound, "answered \(seconds)s after sending\n\(cluster.logs())")
    }
}
