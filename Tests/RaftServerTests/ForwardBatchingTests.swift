import Foundation
import RESP
import Testing

/// A follower relays a loop turn's writes from many connections to the leader in one batched
/// frame, and the leader answers in one; every reply must still reach the right client in the
/// right order.
@Suite(.serialized)
struct ForwardBatchingTests {
    /// With `--io-threads 3` the connections land on three event loops, and each request is
    /// handed to the shell's loop and its reply back (the default, one loop, has no hand-over).
    @Test(arguments: [1, 3])
    func pipelinedWritesFromManyClientsOnAFollowerGetTheirOwnRepliesInOrder(ioThreads: Int) throws {
        let cluster = NodeProcesses()
        defer { cluster.stopAll() }
        try cluster.startCluster(size: 3, base: NodeProcesses.portBase(), extra: ["--io-threads", "\(ioThreads)"])
        let leader = try cluster.waitForLeader()
        let follower = cluster.nodes.first { $0.id != leader.id }!
        // Clients on the follower (relayed in batches) and on the leader (proposed directly).
        let clients = try (0..<4).map { _ in try TestClient(port: follower.port) } + (0..<3).map { _ in try TestClient(port: leader.port) }
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
