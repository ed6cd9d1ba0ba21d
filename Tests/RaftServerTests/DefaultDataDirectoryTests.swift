import Foundation
import Testing

/// Durable by default: a node started without --data-dir keeps its log in ./raft-node-<id>,
/// says so in its first log line, and a restart (even after kill -9) keeps every write.
@Suite(.serialized)
struct DefaultDataDirectoryTests {
    @Test func aNodeWithoutDataDirKeepsItsDataInTheWorkingDirectory() throws {
        let nodes = NodeProcesses()
        defer { nodes.stopAll() }
        let port = NodeProcesses.portBase()
        let args = ["-a", "127.0.0.1:\(port)", "-i", "7", "--tick-ms", "50"]
        try nodes.start(id: "7", port: port, arguments: args, defaultStorage: true)
        try nodes.waitForPort(port)
        #expect(try TestClient(port: port).call("SET", "kept", "yes").text == "OK")
        let dir = nodes.directory.appendingPathComponent("raft-node-7").path
        #expect(FileManager.default.fileExists(atPath: dir + "/wal"), "no log in \(dir)")
        let firstLine = nodes.logs().split(separator: "\n").first { $0.contains("[") } ?? ""
        #expect(firstLine.contains("data directory") && firstLine.contains("raft-node-7"), "first log line: \(firstLine)")

        nodes.kill(id: "7")
        nodes.nodes = []
        try nodes.start(id: "7", port: port, arguments: args, defaultStorage: true)
        try nodes.waitForPort(port)
        #expect(try TestClient(port: port).call("GET", "kept").text == "yes", "a restart without --data-dir lost the data\n\(nodes.logs())")
    }

    @Test func inMemoryIsAnExplicitChoiceAndExcludesDataDir() throws {
        let port = NodeProcesses.portBase()
        let both = try runNodeExpectingExit(["-a", "127.0.0.1:\(port)", "--in-memory", "--data-dir", "/tmp/x"])
        #expect(both.status != 0 && both.output.contains("exclude each other"), "\(both.output)")
        let nodes = NodeProcesses()
        defer { nodes.stopAll() }
        try nodes.start(id: "m", port: port, arguments: ["-a", "127.0.0.1:\(port)", "--in-memory"], defaultStorage: true)
        try nodes.waitForPort(port)
        #expect(nodes.logs().contains("in memory only"), "\(nodes.logs())")
        let entries = (try? FileManager.default.contentsOfDirectory(atPath: nodes.directory.path)) ?? []
        #expect(!entries.contains { $0.hasPrefix("raft-node-") }, "--in-memory wrote \(entries)")
    }
}
