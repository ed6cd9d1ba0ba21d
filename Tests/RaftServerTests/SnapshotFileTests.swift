import Foundation
import RESP
import Testing

/// One node's snapshot files: TTLs across snapshot and restart, `-l FILE`, the data-dir lock.
@Suite(.serialized)
struct SnapshotFileTests {
    private func snapshotFiles(_ dir: String) -> [String] {
        ((try? FileManager.default.contentsOfDirectory(atPath: dir + "/snapshots")) ?? []).filter { $0.hasSuffix(".dat") }.sorted().map { dir + "/snapshots/" + $0 }
    }

    @Test func deadlinesSurviveASnapshotAndAKillNineRestart() throws {
        let nodes = NodeProcesses()
        defer { nodes.stopAll() }
        let port = NodeProcesses.portBase()
        let dir = nodes.directory.appendingPathComponent("data").path
        let args = ["-a", "127.0.0.1:\(port)", "--tick-ms", "50", "--data-dir", dir]
        try nodes.start(id: "1", port: port, arguments: args)
        try nodes.waitForPort(port)
        let c = try TestClient(port: port)
        #expect(try c.call("SET", "long", "l", "EX", "1000").text == "OK")
        #expect(try c.call("SET", "short", "s", "PX", "700").text == "OK")
        #expect(try c.call("SET", "forever", "f").text == "OK")
        #expect(try c.call("CHECKPOINT").isError == false)
        #expect(try c.call("SET", "after", "a", "EX", "500").text == "OK")  // in the log after the snapshot
        nodes.kill(id: "1")
        nodes.nodes = []
        try nodes.start(id: "1", port: port, arguments: args)
        try nodes.waitForPort(port)
        let r = try TestClient(port: port)
        guard case .integer(let long) = try r.call("PTTL", "long"), case .integer(let after) = try r.call("PTTL", "after") else {
            Issue.record("PTTL is not an integer\n\(nodes.logs())")
            return
        }
        #expect(long > 900_000 && long <= 1_000_000)
        #expect(after > 400_000 && after <= 500_000)
        #expect(try r.call("PTTL", "forever") == .integer(-1))
        Thread.sleep(forTimeInterval: 0.8)
        #expect(try r.call("GET", "short") == .bulkString(nil), "an expired key came back")
        #expect(try r.call("GET", "forever").text == "f")
        let file = try #require(snapshotFiles(dir).last)
        let (status, output) = try runNodeExpectingExit(["dump-snapshot", file])
        #expect(status == 0)
        #expect(output.contains("\"key\":\"long\"") && output.contains("expires_at_ms"), "\(output)")
    }

    @Test func dashLStartsFromASnapshotFileWithOrWithoutADataDirectory() throws {
        let nodes = NodeProcesses()
        defer { nodes.stopAll() }
        let port = NodeProcesses.portBase()
        let source = nodes.directory.appendingPathComponent("source").path
        try nodes.start(id: "src", port: port, arguments: ["-a", "127.0.0.1:\(port)", "--data-dir", source, "--fsync", "never"])
        try nodes.waitForPort(port)
        let c = try TestClient(port: port)
        for i in 0..<200 { #expect(try c.call("SET", "k\(i)", "v\(i)").text == "OK") }
        #expect(try c.call("CHECKPOINT").isError == false)
        nodes.kill(id: "src")
        let file = try #require(snapshotFiles(source).last)

        // Without --data-dir: the snapshot, then a log in memory.
        try nodes.start(id: "mem", port: port + 2, arguments: ["-a", "127.0.0.1:\(port + 2)", "-l", file, "--tick-ms", "50"])
        try nodes.waitForPort(port + 2)
        let m = try TestClient(port: port + 2)
        #expect(try m.call("GET", "k199").text == "v199")
        #expect(try m.call("SET", "new", "x").text == "OK")
        nodes.kill(id: "mem")

        // With --data-dir: the snapshot is adopted, later writes go to the log, and a restart
        // without -l finds both.
        let dir = nodes.directory.appendingPathComponent("adopted").path
        try nodes.start(id: "disk", port: port + 4, arguments: ["-a", "127.0.0.1:\(port + 4)", "-l", file, "--data-dir", dir, "--tick-ms", "50"])
        try nodes.waitForPort(port + 4)
        #expect(try TestClient(port: port + 4).call("SET", "later", "y").text == "OK")
        nodes.kill(id: "disk")
        nodes.nodes.removeAll { $0.id == "disk" }
        try nodes.start(id: "disk", port: port + 4, arguments: ["-a", "127.0.0.1:\(port + 4)", "--data-dir", dir, "--tick-ms", "50"])
        try nodes.waitForPort(port + 4)
        let d = try TestClient(port: port + 4)
        #expect(try d.call("GET", "k0").text == "v0")
        #expect(try d.call("GET", "later").text == "y")

        // A missing or damaged file is refused with a message naming it.
        let missing = try runNodeExpectingExit(["-a", "127.0.0.1:\(port + 6)", "-l", "/nonexistent/raft.dat"])
        #expect(missing.status != 0 && missing.output.contains("/nonexistent/raft.dat") && missing.output.contains("no such file"), "\(missing.output)")
        var bytes = try [UInt8](Data(contentsOf: URL(fileURLWithPath: file)))
        bytes[bytes.count / 2] ^= 0xFF
        let damaged = nodes.directory.appendingPathComponent("damaged.dat").path
        try Data(bytes).write(to: URL(fileURLWithPath: damaged))
        let bad = try runNodeExpectingExit(["-a", "127.0.0.1:\(port + 6)", "-l", damaged])
        #expect(bad.status != 0 && bad.output.contains("not a usable snapshot"), "\(bad.output)")
    }

    @Test func aSecondNodeOnTheSameDataDirectoryIsRefusedNamingTheHolder() throws {
        let nodes = NodeProcesses()
        defer { nodes.stopAll() }
        let port = NodeProcesses.portBase()
        let dir = nodes.directory.appendingPathComponent("shared").path
        try nodes.start(id: "1", port: port, arguments: ["-a", "127.0.0.1:\(port)", "--data-dir", dir])
        try nodes.waitForPort(port)
        let holder = nodes.nodes[0].process.processIdentifier
        let second = try runNodeExpectingExit(["-a", "127.0.0.1:\(port + 2)", "--data-dir", dir])
        #expect(second.status != 0)
        #expect(second.output.contains("pid \(holder)"), "\(second.output)")
        // The lock dies with its holder, even by SIGKILL.
        nodes.kill(id: "1")
        nodes.nodes = []
        try nodes.start(id: "1", port: port, arguments: ["-a", "127.0.0.1:\(port)", "--data-dir", dir])
        try nodes.waitForPort(port)
    }
}
