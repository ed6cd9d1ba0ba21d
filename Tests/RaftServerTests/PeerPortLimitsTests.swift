import Foundation
import RESP
import Testing

#if canImport(Glibc)
import Glibc
#endif

/// The peer port is safe to expose (issue 15): strangers that connect and never finish the
/// handshake are bounded in number and in time, the connections over a cap are closed at once,
/// and all of it shows in the metrics.
@Suite(.serialized)
struct PeerPortLimitsTests {
    /// Node i of a 3-node static ensemble from `base` serves metrics at base + 5 + i.
    func startCluster(_ cluster: NodeProcesses, base: Int, extra: [String] = []) throws {
        let ensemble = (1...3).map { "\($0)/127.0.0.1:\(base + 2 * ($0 - 1))" }.joined(separator: ",")
        for i in 1...3 {
            try cluster.start(id: "\(i)", port: base + 2 * (i - 1), arguments: [
                "-a", "127.0.0.1:\(base + 2 * (i - 1))", "-i", "\(i)", "-e", ensemble, "--metrics-addr", "127.0.0.1:\(base + 5 + i)",
            ] + NodeProcesses.fastTicks + extra)
        }
    }

    /// One metric's value from the node's Prometheus text (nil when absent).
    func metric(_ name: String, port: Int) -> Double? {
        guard let body = try? OperationsTests().httpGet(port: port, path: "/metrics").body else { return nil }
        return body.split(separator: "\n").first { $0.hasPrefix(name + "{") }.flatMap { Double($0.split(separator: " ").last ?? "") }
    }

    /// True once the peer closed `c` (end of stream or reset); false while it is still open.
    func isClosed(_ c: TestClient) -> Bool {
        var byte: UInt8 = 0
        for _ in 0..<4096 {
            let n = recv(c.fd, &byte, 1, Int32(MSG_DONTWAIT))
            if n == 0 { return true }
            if n < 0 { return errno != EAGAIN && errno != EWOULDBLOCK }
            // A challenge the node sent (with a cluster secret): read past it.
        }
        return false
    }

    @Test func aFloodOfHalfOpenPeerConnectionsDoesNotStopWritesAndIsCounted() throws {
        let cluster = NodeProcesses()
        defer { cluster.stopAll() }
        let base = NodeProcesses.portBase()
        try startCluster(cluster, base: base)
        let leader = try cluster.waitForLeader()
        let metricsPort = base + 5 + Int(leader.id)!
        #expect(try cluster.write(["SET", "before", "1"], on: leader.id).text == "OK")

        // 200 connections to the leader's peer port that never say a word, all held open.
        var flood: [TestClient] = []
        let floodDeadline = Date().addingTimeInterval(20)
        for _ in 0..<200 where Date() < floodDeadline {
            if let c = try? TestClient(port: leader.port + 1, timeoutSeconds: 2) { flood.append(c) }
        }
        #expect(flood.count >= 150, "only \(flood.count) of 200 connections were accepted by the kernel")

        // Writes through every node still commit, each within a second or two.
        let client = try TestClient(port: leader.port, timeoutSeconds: 3)
        for i in 0..<20 {
            let started = Date()
            #expect(try client.call("SET", "during-\(i)", "\(i)").text == "OK")
            #expect(Date().timeIntervalSince(started) < 2, "write \(i) took \(Date().timeIntervalSince(started)) s during the flood")
        }
        for n in cluster.nodes { #expect(try cluster.write(["SET", "via-\(n.id)", "1"], on: n.id, seconds: 3).text == "OK") }

        // The first 16 (--peer-max-handshakes) hold a slot until the 5 s deadline; the rest
        // were closed at accept.
        let refused = metric("raft_peer_connections_refused_total", port: metricsPort) ?? 0
        #expect(refused >= Double(flood.count - 16), "refused \(refused) of \(flood.count)")
        try cluster.waitUntil("the held half-open connections time out", seconds: 10) {
            (metric("raft_peer_handshake_timeouts_total", port: metricsPort) ?? 0) >= 16
        }
        let timeouts = metric("raft_peer_handshake_timeouts_total", port: metricsPort) ?? 0
        #expect(refused + timeouts >= Double(flood.count), "\(refused) refused + \(timeouts) timed out < \(flood.count) connections")
        try cluster.waitUntil("every flood connection is closed by the node", seconds: 5) { flood.allSatisfy(isClosed) }
        #expect((metric("raft_peer_inbound_connections", port: metricsPort) ?? 99) < 16, "the flood's connections still count as open")
        #expect(cluster.logs().contains("still in their handshake (the limit, --peer-max-handshakes)"), "the refusal must be logged with its reason")
        flood = []
        #expect(try cluster.write(["SET", "after", "1"], on: leader.id).text == "OK")
    }

    @Test(arguments: [false, true])
    func aPeerThatDribblesItsHandshakeIsClosedAtTheDeadline(withSecret: Bool) throws {
        let cluster = NodeProcesses()
        defer { cluster.stopAll() }
        let port = NodeProcesses.portBase()
        var args = ["-a", "127.0.0.1:\(port)", "-i", "1", "--metrics-addr", "127.0.0.1:\(port + 6)"] + NodeProcesses.fastTicks
        if withSecret { args += ["--cluster-secret-file", try OperationsTests().writeFile(cluster.directory, "secret", "s3cret")] }
        try cluster.start(id: "1", port: port, arguments: args)
        try cluster.waitForPort(port)

        // A PeerWire header (magic "RF", version 1, a handshake, a 64-byte body) and then some,
        // one byte a second: always making progress, never finishing.
        let bytes: [UInt8] = [0x52, 0x46, 0x01, 0x01, 0x00, 0x00, 0x00, 0x40] + [UInt8](repeating: 0x41, count: 64)
        let c = try TestClient(port: port + 1, timeoutSeconds: 2)
        let started = Date()
        var closedAfter: Double? = nil
        for b in bytes.prefix(12) {
            var byte = b
            if send(c.fd, &byte, 1, Int32(MSG_NOSIGNAL)) != 1 || isClosed(c) {
                closedAfter = Date().timeIntervalSince(started)
                break
            }
            Thread.sleep(forTimeInterval: 1)
        }
        let after = try #require(closedAfter, "a connection dribbling a byte a second was still open after 12 s")
        #expect(after >= 4.5 && after <= 7, "closed after \(after) s, not at the 5 s deadline")
        #expect(metric("raft_peer_handshake_timeouts_total", port: port + 6) == 1)
        #expect(cluster.logs().contains("peer handshake did not finish within 5 s"))
        #expect(try TestClient(port: port).call("SET", "k", "v").text == "OK")
    }

    @Test func connectionsOverTheCapAreClosedAtOnceAndTheRestStay() throws {
        let cluster = NodeProcesses()
        defer { cluster.stopAll() }
        let port = NodeProcesses.portBase()
        try cluster.start(id: "1", port: port, arguments: [
            "-a", "127.0.0.1:\(port)", "-i", "1", "--peer-max-connections", "2", "--metrics-addr", "127.0.0.1:\(port + 6)",
        ] + NodeProcesses.fastTicks)
        try cluster.waitForPort(port)
        let kept = try (0..<2).map { _ in try TestClient(port: port + 1) }
        let over = try TestClient(port: port + 1)
        try cluster.waitUntil("the third connection is closed", seconds: 2) { isClosed(over) }
        Thread.sleep(forTimeInterval: 0.5)
        #expect(kept.allSatisfy { !isClosed($0) }, "connections within the cap must stay (until their handshake deadline)")
        #expect(metric("raft_peer_connections_refused_total", port: port + 6) == 1)
        #expect(metric("raft_peer_inbound_connections", port: port + 6) == 2)
        #expect(cluster.logs().contains("peer connections are open (the limit, --peer-max-connections)"))
    }

    @Test func peerLimitFlagsRejectNonsense() throws {
        for flag in ["--peer-max-connections", "--peer-max-handshakes"] {
            let r = try runNodeExpectingExit(["-a", "127.0.0.1:\(NodeProcesses.portBase())", flag, "0"])
            #expect(r.status != 0 && r.output.contains("\(flag) must be at least 1"), "\(r)")
        }
    }
}
