import Foundation
import RESP
import Testing

/// The node as a swift-service-lifecycle Service: raft-node runs itself in a ServiceGroup whose
/// graceful shutdown signals are SIGTERM and SIGINT (OperationsTests covers the first signal), a
/// second signal still exits at once, and an embedder's group (Examples/replicated-counter: the
/// node beside a service of the application's own) stops as a whole when the node is told to.
@Suite(.serialized) struct ServiceLifecycleTests {
    static func exitStatus(of p: Process, seconds: Double) -> Int32? {
        let deadline = Date().addingTimeInterval(seconds)
        while p.isRunning && Date() < deadline { Thread.sleep(forTimeInterval: 0.02) }
        return p.isRunning ? nil : p.terminationStatus
    }

    static func example(_ name: String) -> URL {
        NodeProcesses.binary.deletingLastPathComponent().appendingPathComponent(name)
    }

    @Test func aSecondSignalDuringAGracefulShutdownExitsAtOnceWithStatusOne() throws {
        let cluster = NodeProcesses()
        defer { cluster.stopAll() }
        let port = NodeProcesses.portBase()
        try cluster.start(id: "1", port: port, arguments: ["-a", "127.0.0.1:\(port)", "-i", "1", "--tick-ms", "50"])
        try cluster.waitForPort(port)
        let node = cluster.nodes[0]
        // A client blocked in BLPOP is a request in flight: the graceful shutdown waits to drain
        // it (2 s by default), so it surely takes a while.
        let blocked = try TestClient(port: port, timeoutSeconds: 10)
        try blocked.sendRaw(TestClient.encode(["BLPOP", "nothing-here", "30"]))
        Thread.sleep(forTimeInterval: 0.2)
        kill(node.process.processIdentifier, SIGTERM)
        Thread.sleep(forTimeInterval: 0.3)
        try #require(node.process.isRunning, "the graceful shutdown should still be draining\n\(cluster.logs())")
        let secondAt = Date()
        kill(node.process.processIdentifier, SIGTERM)
        #expect(Self.exitStatus(of: node.process, seconds: 5) == 1, "\(cluster.logs())")
        #expect(Date().timeIntervalSince(secondAt) < 1.5, "exited \(Date().timeIntervalSince(secondAt))s after the second signal")
    }

    @Test(.enabled(if: FileManager.default.isExecutableFile(atPath: example("replicated-counter").path), "replicated-counter is not built"))
    func shutdownOfTheNodeStopsTheEmbeddersWholeServiceGroup() throws {
        let cluster = NodeProcesses()
        defer { cluster.stopAll() }
        let port = NodeProcesses.portBase()
        try cluster.start(id: "1", port: port, arguments: ["-a", "127.0.0.1:\(port)", "-i", "1"], binary: Self.example("replicated-counter"))
        try cluster.waitForPort(port)
        let node = cluster.nodes[0]
        #expect(try TestClient(port: port).call("COUNTER.ADD", "hits", "2") == .integer(2))
        // The node stops on its own (pyraft's shutdown command): the application's other
        // service stops with it and the group returns normally.
        _ = try? TestClient(port: port).call("SHUTDOWN")
        #expect(Self.exitStatus(of: node.process, seconds: 10) == 0, "\(cluster.logs())")
        let log = (try? String(contentsOfFile: node.logPath, encoding: .utf8)) ?? ""
        #expect(log.components(separatedBy: "on_shutdown:").count == 2, "\(log)")
    }
}
