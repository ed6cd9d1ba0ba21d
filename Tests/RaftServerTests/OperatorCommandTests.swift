import Foundation
import RESP
import Testing

/// SHUTDOWN, CHECKPOINT FILE, the admin user's NOPERM and protected mode's flag, on real
/// raft-node processes.
@Suite(.serialized) struct OperatorCommandTests {
    static func write(_ dir: URL, _ name: String, _ text: String) throws -> String {
        let path = dir.appendingPathComponent(name).path
        try text.write(toFile: path, atomically: true, encoding: .utf8)
        return path
    }

    static func exitStatus(of p: Process, seconds: Double) -> Int32? {
        let deadline = Date().addingTimeInterval(seconds)
        while p.isRunning && Date() < deadline { Thread.sleep(forTimeInterval: 0.02) }
        return p.isRunning ? nil : p.terminationStatus
    }

    /// Sends SHUTDOWN with `options`; true when the node closed the connection without a reply.
    static func shutdown(port: Int, _ options: [String] = []) throws -> RESPValue? {
        let c = try TestClient(port: port, timeoutSeconds: 10)
        try c.sendRaw(TestClient.encode(["SHUTDOWN"] + options))
        return try c.readReply()
    }

    static func snapshots(in dataDir: String) -> [String] {
        ((try? FileManager.default.contentsOfDirectory(atPath: dataDir + "/snapshots")) ?? []).filter { $0.hasSuffix(".dat") }
    }

    @Test func shutdownStopsTheNodeWithStatusZeroAndItsDataSurvivesARestart() throws {
        let cluster = NodeProcesses()
        defer { cluster.stopAll() }
        let port = NodeProcesses.portBase()
        let data = cluster.directory.appendingPathComponent("data").path
        let args = ["-a", "127.0.0.1:\(port)", "-i", "1", "--tick-ms", "50", "--data-dir", data]
        try cluster.start(id: "1", port: port, arguments: args)
        try cluster.waitForPort(port)
        #expect(try TestClient(port: port).call("SET", "k", "v").text == "OK")
        #expect(try TestClient(port: port).call("SHUTDOWN", "BOGUS") == .error("ERR syntax error"))
        #expect(try TestClient(port: port).call("SHUTDOWN", "SAVE", "NOSAVE") == .error("ERR syntax error"))
        #expect(try TestClient(port: port).call("SHUTDOWN", "ABORT") == .error("ERR No shutdown in progress."))
        let before = Self.snapshots(in: data).count
        // As Redis: no reply, the connection closes, the process exits 0.
        #expect(try Self.shutdown(port: port, ["SAVE"]) == nil)
        #expect(Self.exitStatus(of: cluster.nodes[0].process, seconds: 10) == 0, "\(cluster.logs())")
        #expect(Self.snapshots(in: data).count == before + 1, "SAVE takes a snapshot first")
        cluster.nodes = []
        try cluster.start(id: "1", port: port, arguments: args)
        try cluster.waitForPort(port)
        #expect(try TestClient(port: port).call("GET", "k").text == "v")
    }

    @Test func shutdownOfTheLeaderHandsLeadershipOver() throws {
        let cluster = NodeProcesses()
        defer { cluster.stopAll() }
        try cluster.startCluster(size: 3, base: NodeProcesses.portBase())
        let leader = try cluster.waitForLeader()
        #expect(try TestClient(port: leader.port).call("SET", "k", "v").text == "OK")
        #expect(try Self.shutdown(port: leader.port) == nil)
        #expect(Self.exitStatus(of: leader.process, seconds: 10) == 0)
        let log = (try? String(contentsOfFile: leader.logPath, encoding: .utf8)) ?? ""
        #expect(log.contains("took over leadership"), "\(log)")
        let next = try cluster.waitForLeader(among: cluster.nodes.filter { $0.id != leader.id }.map(\.id))
        #expect(try TestClient(port: next.port).call("GET", "k").text == "v")
    }

    @Test func checkpointFileWritesASnapshotANewNodeLoadsWithL() throws {
        let cluster = NodeProcesses()
        defer { cluster.stopAll() }
        let port = NodeProcesses.portBase()
        try cluster.start(id: "1", port: port, arguments: ["-a", "127.0.0.1:\(port)", "-i", "1", "--tick-ms", "50"])
        try cluster.waitForPort(port)
        let c = try TestClient(port: port)
        #expect(try c.call("SET", "k", "v").text == "OK")
        #expect(try c.call("RPUSH", "l", "a", "b").isError == false)
        let path = cluster.directory.appendingPathComponent("backup.dat").path
        let reply = try c.call("CHECKPOINT", "FILE", path)
        #expect(reply.text?.hasPrefix("snapshot at index ") == true && reply.text?.hasSuffix(" written to \(path)") == true, "\(reply)")
        // pyraft's spelling, a relative name: written in the node's working directory.
        let relative = try c.call("CHECKPOINT", "pyraft-style.dat")
        #expect(relative.text?.hasSuffix("/pyraft-style.dat") == true, "\(relative)")
        #expect(try c.call("CHECKPOINT", "FILE", "/nonexistent-dir/x.dat").errorMessage?.hasPrefix("ERR cannot write /nonexistent-dir/x.dat") == true)
        #expect(try c.call("CHECKPOINT", "A", "B", "C").isError)

        let port2 = NodeProcesses.portBase()
        try cluster.start(id: "2", port: port2, arguments: ["-a", "127.0.0.1:\(port2)", "-i", "2", "--tick-ms", "50", "-l", path])
        try cluster.waitForPort(port2)
        let c2 = try TestClient(port: port2)
        #expect(try c2.call("GET", "k").text == "v", "\(cluster.logs())")
        #expect(try c2.call("LRANGE", "l", "0", "-1") == .array([.bulk("a"), .bulk("b")]))
    }

    @Test func adminCommandsNeedTheAdminUserWhenOneIsConfigured() throws {
        let cluster = NodeProcesses()
        defer { cluster.stopAll() }
        let port = NodeProcesses.portBase()
        let adminPass = try Self.write(cluster.directory, "admin.pass", "root secret\n")
        try cluster.start(id: "1", port: port, arguments: ["-a", "127.0.0.1:\(port)", "-i", "1", "--tick-ms", "50", "--admin-pass-file", adminPass])
        try cluster.waitForPort(port)
        let user = try TestClient(port: port)
        #expect(try user.call("SET", "k", "v").text == "OK")
        #expect(try user.call("GET", "k").text == "v")
        #expect(try user.call("RAFT.STATUS").isError == false)
        for (command, name) in [
            (["RAFT.REMOVE", "2"], "raft.remove"), (["RAFT.ADD", "2", "127.0.0.1:1"], "raft.add"), (["RAFT.TRANSFER", "2"], "raft.transfer"),
            (["SHUTDOWN"], "shutdown"), (["CHECKPOINT"], "checkpoint"), (["CONFIG", "SET", "maxclients", "1"], "config"),
            (["FLUSHALL"], "flushall"), (["FLUSHDB"], "flushdb"), (["GETDUMP"], "getdump"), (["del_node", "2"], "del_node"),
        ] {
            #expect(try user.call(command) == .error("NOPERM this user has no permissions to run the '\(name)' command"))
        }
        #expect(try user.call("GET", "k").text == "v", "FLUSHALL was refused, not run")
        #expect(try user.call("AUTH", "admin", "wrong") == .error("WRONGPASS invalid username-password pair or user is disabled."))
        #expect(try user.call("CHECKPOINT").isError, "a wrong password grants nothing")

        let admin = try TestClient(port: port)
        #expect(try admin.call("AUTH", "admin", "root secret").text == "OK")
        #expect(try admin.call("CHECKPOINT").isError == false)
        #expect(try admin.call("RAFT.REMOVE", "9") == .error("ERR unknown node id '9'"), "the admin's command runs (and is refused on its merits)")
        // AUTH as default again drops the admin rights, as switching users does in Redis.
        #expect(try admin.call("AUTH", "default", "anything").text == "OK")
        #expect(try admin.call("CHECKPOINT") == .error("NOPERM this user has no permissions to run the 'checkpoint' command"))
        #expect(try TestClient(port: port).call("HELLO", "3", "AUTH", "admin", "root secret").isError == false)
    }

    @Test func protectedModeTakesYesOrNo() throws {
        let r = try runNodeExpectingExit(["-a", "127.0.0.1:\(NodeProcesses.portBase())", "--protected-mode", "maybe"])
        #expect(r.status != 0)
        #expect(r.output.contains("--protected-mode 'maybe' must be yes or no"), "\(r.output)")
    }
}
