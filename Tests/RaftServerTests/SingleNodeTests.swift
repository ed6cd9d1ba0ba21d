import Foundation
import RESP
import Testing

/// One-node clusters and the command line.
@Suite(.serialized)
struct SingleNodeTests {
    @Test func badCommandLineOptionsExitNonZeroWithAMessage() throws {
        let cases: [[String]] = [
            [],
            ["-a", "not-an-address"],
            ["-a", "127.0.0.1:99999"],
            ["-a", "300.1.1.1:7000"],
            ["-a", "127.0.0.1:7000", "-e", "1/127.0.0.1"],
            ["-a", "127.0.0.1:7000", "--read-mode", "sometimes"],
            ["-a", "127.0.0.1:7000", "--fsync", "maybe"],
            ["-a", "127.0.0.1:7000", "--peer-via", "9=127.0.0.1:1"],
            ["-a", "127.0.0.1:7000", "--no-such-option"],
            ["-a", "127.0.0.1:7000", "--snapshot-send-rate", "fast"],
            ["-a", "127.0.0.1:7000", "--snapshot-send-rate", "10"],
            ["-a", "127.0.0.1:7000", "--io-threads", "0"],
            ["-a", "127.0.0.1:7000", "--io-threads", "many"],
        ]
        for args in cases {
            let (status, output) = try runNodeExpectingExit(args)
            #expect(status != 0, "\(args) exited \(status)")
            #expect(output.contains("Error") || output.contains("error") || output.contains("Usage"), "\(args): \(output)")
        }
    }

    @Test func anUnbindableAddressExitsNonZeroWithAMessage() throws {
        let base = NodeProcesses.portBase()
        let cluster = NodeProcesses()
        defer { cluster.stopAll() }
        try cluster.start(id: "1", port: base, arguments: ["-a", "127.0.0.1:\(base)"])
        try cluster.waitForPort(base)
        let (status, output) = try runNodeExpectingExit(["-a", "127.0.0.1:\(base)"])
        #expect(status != 0)
        #expect(output.contains("cannot listen"), "\(output)")
        let (status2, output2) = try runNodeExpectingExit(["-a", "192.0.2.1:\(base + 2)"])
        #expect(status2 != 0)
        #expect(output2.contains("cannot listen"), "\(output2)")
    }

    @Test func aLoneNodeLeadsAndServesNodeCommands() throws {
        let base = NodeProcesses.portBase()
        let cluster = NodeProcesses()
        defer { cluster.stopAll() }
        try cluster.start(id: "solo", port: base, arguments: ["-a", "127.0.0.1:\(base)", "-i", "solo"])
        try cluster.waitForPort(base)
        let c = try TestClient(port: base)
        #expect(try c.call("SET", "k", "v").text == "OK")
        #expect(try c.call("GET", "k").text == "v")
        #expect(try c.call("ECHO", "hi").text == "hi")
        #expect(try c.call("SELECT", "0").text == "OK")
        #expect(try c.call("SELECT", "1").isError)
        #expect(try c.call("NOSUCHCOMMAND").isError)
        #expect(try c.call("GET").isError)
        let info = try #require(try c.call("INFO").text)
        for field in ["redis_version:", "arch_bits:", "cluster_enabled:0", "process_id:", "tcp_port:\(base)", "# Raft", "role:leader", "id:solo", "commit_index:", "members:solo"] {
            #expect(info.contains(field), "INFO lacks \(field)")
        }
        guard case .map(let pairs) = try c.call("HELLO", "3", "SETNAME", "t") else {
            Issue.record("HELLO 3 did not answer a map")
            return
        }
        #expect(pairs.contains { $0.key.text == "proto" && $0.value == .integer(3) })
        #expect(try c.call("CONFIG", "GET", "save") == .map([.init(.bulk("save"), .bulk(""))]))
        #expect(try c.call("GETDUMP").text?.contains("k=v") == true)
        #expect(try c.call("QUIT").text == "OK")
        #expect(try c.readReply() == nil)
    }

    @Test func garbageOnTheClientPortGetsAnErrorAndTheNodeStaysUp() throws {
        let base = NodeProcesses.portBase()
        let cluster = NodeProcesses()
        defer { cluster.stopAll() }
        try cluster.start(id: "1", port: base, arguments: ["-a", "127.0.0.1:\(base)"])
        try cluster.waitForPort(base)
        for garbage: [UInt8] in [Array(repeating: 0xFF, count: 10) + [0x0D, 0x0A], Array("*2\r\n$x\r\n".utf8), [0x2A] + Array(repeating: 0x39, count: 40) + [13, 10], Array("\"unbalanced\r\n".utf8)] {
            let c = try TestClient(port: base)
            try c.sendRaw(garbage)
            let reply = try c.readReply()
            #expect(reply?.isError == true, "\(garbage): \(String(describing: reply))")
        }
        // Garbage on the peer port: that connection is dropped, the node carries on.
        let peer = try TestClient(port: base + 1, timeoutSeconds: 2)
        try peer.sendRaw(Array(repeating: 0xFF, count: 64))
        #expect((try? peer.readReply()) ?? nil == nil)
        let c = try TestClient(port: base)
        #expect(try c.call("PING").text == "PONG")
        #expect(try c.call("SET", "still", "alive").text == "OK")
    }
}
