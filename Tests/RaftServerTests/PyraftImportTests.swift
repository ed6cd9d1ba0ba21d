import Foundation
import RESP
import Testing

/// `-l FILE` with a checkpoint written by pyraft (Fixtures/pyraft/checkpoint.dat, made by
/// pyraft's own `checkpoint` command): a pyraft user's data moves over in one step.
@Suite(.serialized)
struct PyraftImportTests {
    /// The fixture with its one live TTL moved an hour ahead, so the test does not age.
    private func fixture(in nodes: NodeProcesses) throws -> (path: String, deadlineMs: Int64) {
        var dir = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
        while dir.path != "/" && !FileManager.default.fileExists(atPath: dir.appendingPathComponent("Fixtures").path) {
            dir.deleteLastPathComponent()
        }
        let original = try String(contentsOf: dir.appendingPathComponent("Fixtures/pyraft/checkpoint.dat"), encoding: .utf8)
        let deadline = Int64(Date().timeIntervalSince1970) + 3600
        let moved = original.replacingOccurrences(of: "'longttl': 1796342867.155", with: "'longttl': \(deadline).5")
        #expect(moved != original, "the fixture no longer holds the TTL this test moves")
        let path = nodes.directory.appendingPathComponent("pyraft.dat").path
        try moved.write(toFile: path, atomically: true, encoding: .utf8)
        return (path, deadline * 1000 + 500)
    }

    @Test func aPyraftCheckpointLoadsWithDashLAndSurvivesARestart() throws {
        let nodes = NodeProcesses()
        defer { nodes.stopAll() }
        let port = NodeProcesses.portBase()
        let (file, deadline) = try fixture(in: nodes)
        let dir = nodes.directory.appendingPathComponent("data").path
        try nodes.start(id: "1", port: port, arguments: ["-a", "127.0.0.1:\(port)", "-l", file, "--data-dir", dir, "--tick-ms", "50"])
        try nodes.waitForPort(port)
        let c = try TestClient(port: port)
        #expect(try c.call("GET", "foo").text == "bar")
        #expect(try c.call("HGET", "h", "f2").text == #"v'2"x"#)
        #expect(try c.call("LRANGE", "l", "0", "-1") == .array([.bulkString(Array("a".utf8)), .bulkString(Array("b".utf8)), .bulkString(Array("c d".utf8))]))
        #expect(try c.call("TGET", "tree/sub", "k").text == "v")
        #expect(try c.call("PEXPIRETIME", "longttl") == .integer(deadline))
        #expect(try c.call("EXISTS", "soon") == .integer(0), "a key whose pyraft TTL had passed was imported")
        #expect(nodes.logs().contains("is a pyraft checkpoint"), "\(nodes.logs())")
        #expect(try c.call("SET", "after", "import").text == "OK")

        // The import lives in the data directory now: a restart without -l finds it.
        nodes.kill(id: "1")
        nodes.nodes = []
        try nodes.start(id: "1", port: port, arguments: ["-a", "127.0.0.1:\(port)", "--data-dir", dir, "--tick-ms", "50"])
        try nodes.waitForPort(port)
        let r = try TestClient(port: port)
        #expect(try r.call("GET", "uni").text == "héllo ✓")
        #expect(try r.call("GET", "after").text == "import")
    }

    @Test func aPyraftFileThatCannotBeMappedIsRefusedNamingWhy() throws {
        let nodes = NodeProcesses()
        defer { nodes.stopAll() }
        let port = NodeProcesses.portBase()
        let path = nodes.directory.appendingPathComponent("bad.dat").path
        try "{'_META_': {'term': 2, 'index': 5}, 'count': 7, 'ok': 'fine'}".write(toFile: path, atomically: true, encoding: .utf8)
        let result = try runNodeExpectingExit(["-a", "127.0.0.1:\(port)", "-l", path])
        #expect(result.status != 0)
        #expect(result.output.contains("'count' is a int"), "\(result.output)")
        let evil = nodes.directory.appendingPathComponent("evil.dat").path
        try "{'_META_': __import__('os').getpid()}".write(toFile: evil, atomically: true, encoding: .utf8)
        let refused = try runNodeExpectingExit(["-a", "127.0.0.1:\(port)", "-l", evil])
        #expect(refused.status != 0)
        #expect(refused.output.contains("is not a literal"), "\(refused.output)")
    }
}
