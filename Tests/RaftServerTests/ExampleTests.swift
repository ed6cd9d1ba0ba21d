import Foundation
import RESP
import Testing

/// The library examples, run as real 3-process clusters.
@Suite(.serialized)
struct ExampleTests {
    /// .build/<config>/<name>, next to the raft-node the other tests run.
    static func example(_ name: String) -> URL {
        NodeProcesses.binary.deletingLastPathComponent().appendingPathComponent(name)
    }

    @Test(.enabled(if: FileManager.default.isExecutableFile(atPath: example("replicated-counter").path), "replicated-counter is not built"))
    func replicatedCounterCommandsRunThroughRaftOnEveryNode() throws {
        let cluster = NodeProcesses()
        defer { cluster.stopAll() }
        let base = NodeProcesses.portBase()
        let ensemble = (1...3).map { "\($0)/127.0.0.1:\(base + 2 * ($0 - 1))" }.joined(separator: ",")
        for i in 1...3 {
            let port = base + 2 * (i - 1)
            try cluster.start(id: "\(i)", port: port, arguments: ["-a", "127.0.0.1:\(port)", "-i", "\(i)", "-e", ensemble], binary: Self.example("replicated-counter"))
        }
        let leader = try cluster.waitForLeader()
        var total: Int64 = 0
        for (n, node) in cluster.nodes.enumerated() {
            // Sent to followers too: forwarded to the leader, applied on every replica.
            total += Int64(n + 1)
            #expect(try TestClient(port: node.port).call("COUNTER.ADD", "hits", "\(n + 1)") == .integer(total), "node \(node.id)")
        }
        for node in cluster.nodes {
            let c = try TestClient(port: node.port)
            #expect(try c.call("counter.get", "hits") == .integer(total), "node \(node.id)")
            #expect(try c.call("COUNTER.GET", "never-added") == .integer(0))
            // The registered commands sit beside the built-in ones, with the same checks.
            #expect(try c.call("COUNTER.ADD", "hits") == .error("ERR wrong number of arguments for 'counter.add' command"))
            #expect(try c.call("COUNTER.ADD", "hits", "x") == .error("ERR value is not an integer or out of range"))
            #expect(try c.call("GET", "counter:hits").text == "\(total)")
        }
        #expect(try TestClient(port: leader.port).call("SET", "counter:text", "abc").text == "OK")
        #expect(try TestClient(port: leader.port).call("COUNTER.GET", "text") == .error("ERR value is not an integer or out of range"))
    }

    @Test(.enabled(if: FileManager.default.isExecutableFile(atPath: example("replicated-counter").path), "replicated-counter is not built"))
    func onStartAndOnShutdownAreCalledOnceEach() throws {
        let cluster = NodeProcesses()
        defer { cluster.stopAll() }
        let port = NodeProcesses.portBase()
        try cluster.start(id: "1", port: port, arguments: ["-a", "127.0.0.1:\(port)", "-i", "1"], binary: Self.example("replicated-counter"))
        try cluster.waitForPort(port)
        let node = cluster.nodes[0]
        func log() -> String { (try? String(contentsOfFile: node.logPath, encoding: .utf8)) ?? "" }
        #expect(log().components(separatedBy: "on_start:").count == 2, "\(log())")
        #expect(!log().contains("on_shutdown:"))
        kill(node.process.processIdentifier, SIGTERM)
        let deadline = Date().addingTimeInterval(10)
        while node.process.isRunning && Date() < deadline { Thread.sleep(forTimeInterval: 0.05) }
        #expect(!node.process.isRunning)
        #expect(node.process.terminationStatus == 0)
        #expect(log().components(separatedBy: "on_shutdown:").count == 2, "\(log())")
    }

    @Test(.enabled(if: FileManager.default.isExecutableFile(atPath: example("url-checker").path), "url-checker is not built"))
    func urlCheckerRunsOnTheLeaderAndANewLeaderTakesOver() throws {
        let cluster = NodeProcesses()
        defer { cluster.stopAll() }
        let base = NodeProcesses.portBase()
        let ensemble = (1...3).map { "\($0)/127.0.0.1:\(base + 2 * ($0 - 1))" }.joined(separator: ",")
        for i in 1...3 {
            let port = base + 2 * (i - 1)
            try cluster.start(
                id: "\(i)", port: port, arguments: ["-a", "127.0.0.1:\(port)", "-i", "\(i)", "-e", ensemble, "--every", "1"],
                binary: Self.example("url-checker"))
        }
        let leader = try cluster.waitForLeader()
        let follower = cluster.nodes.first { $0.id != leader.id }!
        // The nodes' own client ports are URLs that are up.
        #expect(try TestClient(port: follower.port).call("SET", "url_self", "127.0.0.1:\(follower.port)").text == "OK")
        #expect(try Self.waitForStatus("status_self", on: follower.port) == "up")
        // Only the leader checks (its log has the check's line, the followers' do not).
        for n in cluster.nodes {
            let log = (try? String(contentsOfFile: n.logPath, encoding: .utf8)) ?? ""
            #expect(log.contains("127.0.0.1:\(follower.port): up") == (n.id == leader.id), "node \(n.id): \(log)")
        }

        cluster.kill(id: leader.id)
        let survivors = cluster.nodes.filter { $0.id != leader.id }.map(\.id)
        let next = try cluster.waitForLeader(among: survivors)
        #expect(try TestClient(port: next.port).call("SET", "url_after", "http://127.0.0.1:\(next.port)/").text == "OK")
        #expect(try Self.waitForStatus("status_after", on: next.port) == "up", "\(cluster.logs())")
    }

    /// Polls GET until the key exists (at most 10 s).
    static func waitForStatus(_ key: String, on port: Int) throws -> String? {
        let deadline = Date().addingTimeInterval(10)
        while Date() < deadline {
            if let s = try TestClient(port: port).call("GET", key).text { return s }
            Thread.sleep(forTimeInterval: 0.2)
        }
        return nil
    }
}
