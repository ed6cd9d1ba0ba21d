import Foundation
import RESP
import Testing

/// Real raft-node processes: graceful shutdown with leadership handover, the Prometheus
/// endpoint, the peer cluster secret and client passwords.
@Suite(.serialized)
struct OperationsTests {
    func writeFile(_ dir: URL, _ name: String, _ text: String) throws -> String {
        let path = dir.appendingPathComponent(name).path
        try text.write(toFile: path, atomically: true, encoding: .utf8)
        return path
    }

    /// Waits (bounded) for the process to exit; nil if it is still running.
    func exitStatus(of p: Process, seconds: Double) -> Int32? {
        let deadline = Date().addingTimeInterval(seconds)
        while p.isRunning && Date() < deadline { Thread.sleep(forTimeInterval: 0.02) }
        return p.isRunning ? nil : p.terminationStatus
    }

    @Test func aNodeWithTheWrongOrNoSecretIsRefusedWhileTheOthersFormTheCluster() throws {
        let cluster = NodeProcesses()
        defer { cluster.stopAll() }
        let base = NodeProcesses.portBase()
        let good = try writeFile(cluster.directory, "secret", "the right secret\n")
        let bad = try writeFile(cluster.directory, "wrong", "not the secret\n")
        let ensemble = (1...3).map { "\($0)/127.0.0.1:\(base + 2 * ($0 - 1))" }.joined(separator: ",")
        func args(_ i: Int, _ secret: String?) -> [String] {
            ["-a", "127.0.0.1:\(base + 2 * (i - 1))", "-i", "\(i)", "-e", ensemble, "--tick-ms", "50", "--fsync", "never"]
                + (secret.map { ["--cluster-secret-file", $0] } ?? [])
        }
        try cluster.start(id: "1", port: base, arguments: args(1, good))
        try cluster.start(id: "2", port: base + 2, arguments: args(2, good))
        try cluster.start(id: "3", port: base + 4, arguments: args(3, bad))
        let leader = try cluster.waitForLeader(among: ["1", "2"])
        #expect(try TestClient(port: leader.port).call("SET", "k", "v").text == "OK")
        try cluster.waitForPort(base + 4)
        // Long enough for several connection attempts both ways.
        Thread.sleep(forTimeInterval: 1.5)
        let outsider = try TestClient(port: base + 4)
        let info = try outsider.call("INFO", "raft").text ?? ""
        #expect(info.contains("leader:\r\n"), "the node with the wrong secret must not learn of a leader:\n\(info)")
        #expect(try outsider.call("SET", "x", "1").isError)
        #expect(try TestClient(port: leader.port).call("GET", "x") == .bulkString(nil), "no write may come in through the outsider")
        let logs = cluster.logs()
        #expect(logs.contains("wrong cluster secret"), "the refusal must be logged:\n\(logs)")

        // The same node with no secret at all is refused too.
        cluster.kill(id: "3")
        try cluster.start(id: "3b", port: base + 4, arguments: args(3, nil))
        try cluster.waitForPort(base + 4)
        Thread.sleep(forTimeInterval: 1.5)
        #expect(try TestClient(port: base + 4).call("INFO", "raft").text?.contains("leader:\r\n") == true)
        #expect(cluster.logs().contains("no cluster secret"))
        #expect(try TestClient(port: leader.port).call("SET", "k2", "v2").text == "OK")
    }

    @Test func joiningWorksWithTheSecretAndIsRefusedWithAnotherOne() throws {
        let cluster = NodeProcesses()
        defer { cluster.stopAll() }
        let base = NodeProcesses.portBase()
        let good = try writeFile(cluster.directory, "secret", "the right secret")
        let bad = try writeFile(cluster.directory, "wrong", "a guess")
        // pyraft's flow: 1 alone, 2 joins through 1, 3 (wrong secret) tries to join through 2.
        try cluster.start(id: "1", port: base, arguments: cluster.joinArguments(1, base: base, dataDirectory: nil) + ["--cluster-secret-file", good])
        try cluster.waitForPort(base)
        try cluster.start(id: "2", port: base + 2, arguments: cluster.joinArguments(2, base: base, dataDirectory: nil) + ["--cluster-secret-file", good])
        try cluster.waitForVoters(["1", "2"], on: ["1", "2"], seconds: 10)
        try cluster.start(id: "3", port: base + 4, arguments: cluster.joinArguments(3, base: base, dataDirectory: nil) + ["--cluster-secret-file", bad])
        try cluster.waitForPort(base + 4)
        Thread.sleep(forTimeInterval: 2)
        let status = try RaftStatus(port: base)
        #expect(status.peers.keys.sorted() == ["1", "2"], "the node with the wrong secret was admitted: \(status.peers.keys.sorted())")
        #expect(try cluster.write(["SET", "after", "1"], on: "2").text == "OK")
        #expect(cluster.logs().contains("wrong cluster secret"))
    }

    @Test func sigtermOfTheLeaderHandsOverExitsZeroAndLosesNoAcknowledgedWrite() throws {
        let cluster = NodeProcesses()
        defer { cluster.stopAll() }
        let base = NodeProcesses.portBase()
        let secret = try writeFile(cluster.directory, "secret", "s")
        for i in 1...3 {
            try FileManager.default.createDirectory(at: cluster.directory.appendingPathComponent("data-\(i)"), withIntermediateDirectories: true)
        }
        let ensemble = (1...3).map { "\($0)/127.0.0.1:\(base + 2 * ($0 - 1))" }.joined(separator: ",")
        for i in 1...3 {
            try cluster.start(id: "\(i)", port: base + 2 * (i - 1), arguments: [
                "-a", "127.0.0.1:\(base + 2 * (i - 1))", "-i", "\(i)", "-e", ensemble, "--tick-ms", "50",
                "--data-dir", cluster.directory.appendingPathComponent("data-\(i)").path, "--cluster-secret-file", secret,
            ])
        }
        let leader = try cluster.waitForLeader()
        let via = cluster.nodes.first { $0.id != leader.id }!
        // A writer on a follower (forwarded to the leader) keeps going across the handover.
        let shared = WriterState()
        let writer = Thread {
            guard let c = try? TestClient(port: via.port, timeoutSeconds: 3) else { return }
            var i = 0
            while i < 5000, !shared.isDone {
                if let r = try? c.call("SET", "w\(i)", "\(i)"), r.text == "OK" { shared.acknowledge(i) }
                i += 1
            }
            shared.finish()
        }
        writer.start()
        // Some writes acknowledged before the SIGTERM (a count, bounded in time, not a sleep).
        for _ in 0..<1500 where shared.acknowledged.count < 20 { Thread.sleep(forTimeInterval: 0.02) }
        let leaderProcess = cluster.nodes.first { $0.id == leader.id }!.process
        kill(leaderProcess.processIdentifier, SIGTERM)
        let status = exitStatus(of: leaderProcess, seconds: 8)
        #expect(status == 0, "a SIGTERMed leader exits 0 (got \(String(describing: status)))\n\(cluster.logs())")
        let logs = cluster.logs()
        #expect(logs.contains("took over leadership"), "the leader hands over before exiting:\n\(logs)")
        Thread.sleep(forTimeInterval: 0.5)
        shared.stop()
        for _ in 0..<500 where !shared.isFinished { Thread.sleep(forTimeInterval: 0.01) }

        let survivors = cluster.nodes.filter { $0.id != leader.id }.map(\.id)
        let newLeader = try cluster.waitForLeader(among: survivors, seconds: 5)
        let c = try TestClient(port: newLeader.port)
        let written = shared.acknowledged
        #expect(written.count > 10, "the writer made progress (\(written.count) acknowledged)")
        for i in written {
            #expect(try c.call("GET", "w\(i)").text == "\(i)", "acknowledged write w\(i) lost")
        }
    }

    @Test func sigintStopsASingleNodeWithStatusZero() throws {
        let cluster = NodeProcesses()
        defer { cluster.stopAll() }
        let port = NodeProcesses.portBase()
        try cluster.start(id: "1", port: port, arguments: ["-a", "127.0.0.1:\(port)", "-i", "1", "--tick-ms", "50"])
        try cluster.waitForPort(port)
        #expect(try TestClient(port: port).call("SET", "a", "1").text == "OK")
        let p = cluster.nodes[0].process
        kill(p.processIdentifier, SIGINT)
        #expect(exitStatus(of: p, seconds: 5) == 0, "\(cluster.logs())")
    }

    @Test func clientsMustAuthenticateAsWithRedisRequirepass() throws {
        let cluster = NodeProcesses()
        defer { cluster.stopAll() }
        let port = NodeProcesses.portBase()
        let pw = try writeFile(cluster.directory, "pw", "open sesame\n")
        try cluster.start(id: "1", port: port, arguments: ["-a", "127.0.0.1:\(port)", "-i", "1", "--requirepass-file", pw, "--bind", "127.0.0.1"])
        var client: TestClient? = nil
        for _ in 0..<200 where client == nil {
            client = try? TestClient(port: port, timeoutSeconds: 2)
            if client == nil { Thread.sleep(forTimeInterval: 0.05) }
        }
        let c = try #require(client, "node never listened\n\(cluster.logs())")
        #expect(try c.call("PING") == .error("NOAUTH Authentication required."))
        #expect(try c.call("SET", "k", "v") == .error("NOAUTH Authentication required."))
        #expect(try c.call("AUTH", "wrong") == .error("WRONGPASS invalid username-password pair or user is disabled."))
        #expect(try c.call("AUTH", "someone", "open sesame") == .error("WRONGPASS invalid username-password pair or user is disabled."))
        #expect(try c.call("AUTH", "a", "b", "c").isError)
        #expect(try c.call("GET", "k") == .error("NOAUTH Authentication required."))
        #expect(try c.call("AUTH", "open sesame").text == "OK")
        #expect(try c.call("SET", "k", "v").text == "OK")
        #expect(try c.call("GET", "k").text == "v")

        // Authentication belongs to the connection.
        let other = try TestClient(port: port)
        #expect(try other.call("GET", "k") == .error("NOAUTH Authentication required."))
        #expect(try other.call("HELLO", "3").errorMessage?.hasPrefix("NOAUTH HELLO must be called") == true)
        #expect(try other.call("HELLO", "3", "AUTH", "default", "nope") == .error("WRONGPASS invalid username-password pair or user is disabled."))
        guard case .map(let fields) = try other.call("HELLO", "3", "AUTH", "default", "open sesame") else {
            Issue.record("HELLO 3 AUTH did not answer a RESP3 map"); return
        }
        #expect(fields.contains { $0.key == .bulk("proto") && $0.value == .integer(3) })
        #expect(try other.call("GET", "k").text == "v")

        // QUIT needs no password.
        let third = try TestClient(port: port)
        #expect(try third.call("QUIT").text == "OK")
    }

    @Test func authWithoutAConfiguredPasswordAnswersAsRedis() throws {
        let cluster = NodeProcesses()
        defer { cluster.stopAll() }
        let port = NodeProcesses.portBase()
        try cluster.start(id: "1", port: port, arguments: ["-a", "127.0.0.1:\(port)", "-i", "1"])
        try cluster.waitForPort(port)
        let c = try TestClient(port: port)
        #expect(try c.call("AUTH", "x").errorMessage?.hasPrefix("ERR AUTH <password> called without any password configured") == true)
        #expect(try c.call("AUTH", "default", "anything").text == "OK")
        #expect(try c.call("SET", "k", "v").text == "OK")
    }

    @Test func theMetricsEndpointServesPrometheusTextThatCountsWrites() throws {
        let cluster = NodeProcesses()
        defer { cluster.stopAll() }
        let port = NodeProcesses.portBase()
        let metricsPort = port + 6
        let dataDir = cluster.directory.appendingPathComponent("data").path
        try cluster.start(id: "1", port: port, arguments: [
            "-a", "127.0.0.1:\(port)", "-i", "1", "--metrics-addr", "127.0.0.1:\(metricsPort)", "--data-dir", dataDir,
        ])
        try cluster.waitForPort(port)
        let c = try TestClient(port: port)
        for i in 0..<7 { #expect(try c.call("SET", "m\(i)", "v").text == "OK") }
        #expect(try c.call("CHECKPOINT").isError == false)

        let (head, body) = try httpGet(port: metricsPort, path: "/metrics")
        #expect(head.hasPrefix("HTTP/1.1 200"), "\(head)")
        #expect(head.contains("text/plain; version=0.0.4"))
        func value(_ name: String) -> Double? {
            body.split(separator: "\n").first { $0.hasPrefix(name + "{") }.flatMap { Double($0.split(separator: " ").last ?? "") }
        }
        #expect((value("raft_proposals_total") ?? 0) >= 7, "\(body)")
        #expect((value("raft_commits_total") ?? 0) >= 7)
        #expect((value("raft_applied_index") ?? 0) >= 7)
        #expect(value("raft_is_leader") == 1)
        #expect(value("raft_role") == 3)
        #expect((value("raft_term") ?? 0) >= 1)
        #expect(value("raft_snapshots_total") == 1)
        #expect((value("raft_snapshot_size_bytes") ?? 0) > 0)
        #expect(value("raft_client_connections") == 1)
        #expect((value("raft_fsync_latency_seconds_count") ?? 0) >= 7)
        #expect((value("raft_append_latency_seconds_count") ?? 0) >= 7)
        #expect(body.contains("# TYPE raft_fsync_latency_seconds histogram"))
        // The loop's own timeliness: every Ready's turn is timed, and the node ticked meanwhile
        // (a one-node leader ticks every 50 ms from its start).
        #expect((value("raft_ready_turn_seconds_count") ?? 0) >= 7)
        #expect(body.contains("# TYPE raft_tick_interval_seconds histogram"))
        #expect(try httpGet(port: metricsPort, path: "/other").head.hasPrefix("HTTP/1.1 404"))
    }

    /// One HTTP/1.0 GET over a plain socket; the server closes after answering.
    func httpGet(port: Int, path: String) throws -> (head: String, body: String) {
        let c = try TestClient(port: port)
        try c.sendRaw(Array("GET \(path) HTTP/1.0\r\nHost: 127.0.0.1\r\n\r\n".utf8))
        var bytes: [UInt8] = []
        var chunk = [UInt8](repeating: 0, count: 65536)
        for _ in 0..<1000 {
            let n = chunk.withUnsafeMutableBytes { recv(c.fd, $0.baseAddress, $0.count, 0) }
            if n <= 0 { break }
            bytes += chunk[0..<n]
        }
        let text = String(decoding: bytes, as: UTF8.self)
        guard let split = text.range(of: "\r\n\r\n") else { throw TestClient.Failure(description: "no HTTP head in \(text)") }
        return (String(text[..<split.lowerBound]), String(text[split.upperBound...]))
    }
}

/// What the writer thread shares with the test.
final class WriterState: @unchecked Sendable {
    private let lock = NSLock()
    private var acked: [Int] = []
    private var done = false
    private var finished = false
    func acknowledge(_ i: Int) { lock.withLock { acked.append(i) } }
    func stop() { lock.withLock { done = true } }
    func finish() { lock.withLock { finished = true } }
    var isDone: Bool { lock.withLock { done } }
    var isFinished: Bool { lock.withLock { finished } }
    var acknowledged: [Int] { lock.withLock { acked } }
}
