import Foundation
import RESP
import Testing

/// A follower relays a loop turn's writes from many connections to the leader in one batched
/// frame, and the leader answers in one; every reply must still reach the right client in the
/// right order.
@Suite(.serialized)
struct ForwardBatchingTests {
    @Test func pipelinedWritesFromManyClientsOnAFollowerGetTheirOwnRepliesInOrder() throws {
        let cluster = NodeProcesses()
        defer { cluster.stopAll() }
        try cluster.startCluster(size: 3, base: NodeProcesses.portBase())
        let leader = try cluster.waitForLeader()
        let follower = cluster.nodes.first { $0.id != leader.id }!
        let clients = try (0..<4).map { _ in try TestClient(port: follower.port) }
        let n = 150
        // Every client pipelines writes only (one run, batched together with the other
        // clients' runs): INCR of its own counter, and SETs whose GET reply proves the value.
        for (k, c) in clients.enumerated() {
            var bytes: [UInt8] = []
            for i in 0..<n {
                bytes += TestClient.encode(i % 2 == 0 ? ["INCR", "fb:counter:\(k)"] : ["SET", "fb:\(k):\(i)", "v\(k).\(i)"])
            }
            try c.sendRaw(bytes)
        }
        for (k, c) in clients.enumerated() {
            var expected: Int64 = 0
            for i in 0..<n {
                let reply = try #require(try c.readReply(), "client \(k) reply \(i) missing")
                if i % 2 == 0 {
                    expected += 1
                    #expect(reply == .integer(expected), "client \(k) reply \(i)")
                } else {
                    #expect(reply.text == "OK", "client \(k) reply \(i)")
                }
            }
        }
        let check = try TestClient(port: leader.port)
        for k in 0..<clients.count {
            #expect(try check.call("GET", "fb:counter:\(k)").text == "\(n / 2)")
            #expect(try check.call("GET", "fb:\(k):\(n - 1)").text == "v\(k).\(n - 1)")
        }
    }
}
