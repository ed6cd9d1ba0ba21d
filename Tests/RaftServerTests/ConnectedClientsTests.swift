import Foundation
import RESP
import Testing

/// INFO's connected_clients follows connections as they open and close (the counter leaves the
/// client pipeline once a connection is active and uncounts it when the channel closes).
@Suite(.serialized)
struct ConnectedClientsTests {
    private func connectedClients(_ client: TestClient) throws -> Int? {
        let info = try client.call("INFO", "clients").text ?? ""
        let line = info.split(whereSeparator: \.isNewline).first { $0.hasPrefix("connected_clients:") }
        return line.flatMap { Int($0.dropFirst("connected_clients:".count)) }
    }

    @Test func connectedClientsCountsOpenConnectionsAndForgetsClosedOnes() throws {
        let base = NodeProcesses.portBase()
        let node = NodeProcesses()
        defer { node.stopAll() }
        try node.start(id: "1", port: base, arguments: ["-a", "127.0.0.1:\(base)", "-i", "1", "--tick-ms", "50", "--fsync", "never"])
        _ = try node.waitForLeader()
        let observer = try TestClient(port: base)
        // Counts reach the node asynchronously (the start-up probes' connections close after
        // they answer): each expectation polls, bounded to 5 s.
        #expect(try settles(at: 1, observer), "only the observer is connected")
        var others = try (0..<5).map { _ in try TestClient(port: base) }
        for c in others { #expect(try c.call("PING").text == "PONG") }  // each one accepted and active
        #expect(try settles(at: 6, observer))
        others.removeAll()  // closes their sockets
        #expect(try settles(at: 1, observer), "closed connections are no longer counted")
    }

    private func settles(at expected: Int, _ observer: TestClient) throws -> Bool {
        for _ in 0..<50 {
            if try connectedClients(observer) == expected { return true }
            Thread.sleep(forTimeInterval: 0.1)
        }
        return false
    }
}
