import Foundation
import RESP
import Testing

/// Real three-node clusters of raft-node processes on 127.0.0.1, driven over RESP.
@Suite(.serialized)
struct ClusterTests {
    @Test func writesOnLeaderAndFollowersAreReadLinearizablyEverywhere() throws {
        let cluster = NodeProcesses()
        defer { cluster.stopAll() }
        try cluster.startCluster(size: 3, base: NodeProcesses.portBase())
        let leader = try cluster.waitForLeader()
        let followers = cluster.nodes.filter { $0.id != leader.id }

        let onLeader = try TestClient(port: leader.port)
        #expect(try onLeader.call("SET", "from-leader", "L").text == "OK")
        for (i, f) in followers.enumerated() {
            let c = try TestClient(port: f.port)
            // A write sent to a follower is forwarded to the leader and answered here.
            #expect(try c.call("SET", "from-follower-\(i)", "F\(i)").text == "OK")
            // A read on a follower right after a write must see it (ReadIndex).
            #expect(try c.call("GET", "from-follower-\(i)").text == "F\(i)")
            #expect(try c.call("GET", "from-leader").text == "L")
        }
        for n in cluster.nodes {
            let c = try TestClient(port: n.port)
            for (i, _) in followers.enumerated() {
                #expect(try c.call("GET", "from-follower-\(i)").text == "F\(i)", "node \(n.id)")
            }
            #expect(try c.call("INCR", "counter") == .integer(Int64(cluster.nodes.firstIndex { $0.id == n.id }! + 1)))
        }
    }

    @Test func ttlIsTheSameAbsoluteDeadlineOnEveryNode() throws {
        let cluster = NodeProcesses()
        defer { cluster.stopAll() }
        try cluster.startCluster(size: 3, base: NodeProcesses.portBase())
        let leader = try cluster.waitForLeader()
        let follower = cluster.nodes.first { $0.id != leader.id }!
        #expect(try TestClient(port: follower.port).call("SET", "ttl-key", "v", "EX", "100").text == "OK")
        var ttls: [Int64] = []
        for n in cluster.nodes {
            let c = try TestClient(port: n.port)
            _ = try c.call("GET", "ttl-key")  // linearizable read: the node has applied the SET
            guard case .integer(let ms) = try c.call("PTTL", "ttl-key") else {
                Issue.record("PTTL on node \(n.id) is not an integer")
                continue
            }
            ttls.append(ms)
        }
        // Relative TTLs become an absolute deadline on the leader, so every replica counts down
        // to the same instant (a replica applying "EX 100" itself would restart the clock).
        #expect(ttls.count == 3)
        #expect(ttls.allSatisfy { $0 > 80_000 && $0 <= 100_000 }, "\(ttls)")
        #expect(try TestClient(port: leader.port).call("SET", "short", "v", "PX", "1").text == "OK")
        Thread.sleep(forTimeInterval: 0.05)
        for n in cluster.nodes {
            #expect(try TestClient(port: n.port).call("GET", "short") == .bulkString(nil), "node \(n.id)")
        }
    }

    @Test func killingTheLeaderElectsANewOneAndWritesContinue() throws {
        let cluster = NodeProcesses()
        defer { cluster.stopAll() }
        try cluster.startCluster(size: 3, base: NodeProcesses.portBase())
        let leader = try cluster.waitForLeader()
        #expect(try TestClient(port: leader.port).call("SET", "before", "1").text == "OK")
        cluster.kill(id: leader.id)
        let survivors = cluster.nodes.filter { $0.id != leader.id }.map(\.id)
        let newLeader = try cluster.waitForLeader(among: survivors)
        #expect(newLeader.id != leader.id)
        for id in survivors {
            let port = cluster.nodes.first { $0.id == id }!.port
            let c = try TestClient(port: port)
            // Bounded retries: right after the election a follower may not know the leader yet.
            var reply: RESPValue = .null
            for _ in 0..<50 {
                reply = try c.call("SET", "after-\(id)", "2")
                if reply.text == "OK" { break }
                Thread.sleep(forTimeInterval: 0.1)
            }
            #expect(reply.text == "OK", "node \(id): \(reply)")
            #expect(try c.call("GET", "before").text == "1")
        }
    }

    @Test func pipelinedRequestsOnAFollowerAreAnsweredInOrder() throws {
        let cluster = NodeProcesses()
        defer { cluster.stopAll() }
        try cluster.startCluster(size: 3, base: NodeProcesses.portBase())
        let leader = try cluster.waitForLeader()
        let follower = cluster.nodes.first { $0.id != leader.id }!
        let c = try TestClient(port: follower.port)
        var batch: [UInt8] = []
        let n = 300
        for i in 0..<n {
            // Writes (forwarded) and reads (ReadIndex) interleaved in one burst.
            batch += TestClient.encode(i % 3 == 2 ? ["GET", "p\(i - 1)"] : i % 3 == 1 ? ["SET", "p\(i)", "v\(i)"] : ["INCR", "seq"])
        }
        try c.sendRaw(batch)
        var expectedSeq: Int64 = 0
        for i in 0..<n {
            let reply = try #require(try c.readReply(), "reply \(i) missing")
            switch i % 3 {
            case 0:
                expectedSeq += 1
                #expect(reply == .integer(expectedSeq), "reply \(i)")
            case 1: #expect(reply.text == "OK", "reply \(i)")
            default: #expect(reply.text == "v\(i - 1)", "reply \(i)")
            }
        }
    }

    @Test func aClusterKilledWholeRecoversItsDataFromDisk() throws {
        let cluster = NodeProcesses()
        defer { cluster.stopAll() }
        let base = NodeProcesses.portBase()
        let dirs = (1...3).map { cluster.directory.appendingPathComponent("data-\($0)").path }
        func start() throws {
            let ensemble = (1...3).map { "\($0)/127.0.0.1:\(base + 2 * ($0 - 1))" }.joined(separator: ",")
            for i in 1...3 {
                try cluster.start(id: "\(i)", port: base + 2 * (i - 1), arguments: [
                    "-a", "127.0.0.1:\(base + 2 * (i - 1))", "-i", "\(i)", "-e", ensemble, "--tick-ms", "50",
                    "--data-dir", dirs[i - 1],
                ])
            }
        }
        try start()
        let leader = try cluster.waitForLeader()
        let c = try TestClient(port: leader.port)
        #expect(try c.call("SET", "durable", "yes").text == "OK")
        #expect(try c.call("CHECKPOINT").isError == false)  // a snapshot, then more log after it
        #expect(try c.call("INCR", "after-snapshot") == .integer(1))
        cluster.stopAll()
        cluster.nodes = []
        try start()
        let again = try cluster.waitForLeader()
        for n in cluster.nodes {
            let r = try TestClient(port: n.port)
            #expect(try r.call("GET", "durable").text == "yes", "node \(n.id)")
            #expect(try r.call("GET", "after-snapshot").text == "1", "node \(n.id)")
        }
        #expect(try TestClient(port: again.port).call("INCR", "after-snapshot") == .integer(2))
        // dump-snapshot reads what CHECKPOINT wrote.
        let snapshotDir = dirs[Int(leader.id)! - 1] + "/snapshots"
        let file = try #require(try FileManager.default.contentsOfDirectory(atPath: snapshotDir).first { $0.hasSuffix(".dat") })
        let (status, output) = try runNodeExpectingExit(["dump-snapshot", snapshotDir + "/" + file])
        #expect(status == 0)
        #expect(output.contains("{\"key\":\"durable\",\"type\":\"string\",\"value\":\"yes\",\"expires_at_ms\":null}"), "\(output)")
    }
}
