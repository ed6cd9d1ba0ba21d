import Foundation
import Testing
@testable import Chaos

/// Real raft-node processes behind the relay: no Raft byte may travel between two nodes except
/// through it (the leak etcd's proxy had: a proxy only on the listen port misses what a node dials).
@Suite(.serialized) struct NoBypassTests {
    @Test(.enabled(if: NodeBinary.exists, "raft-node is not built (swift build --build-tests builds it)"))
    func everyPeerConnectionGoesThroughTheRelay() throws {
        let layout = RunLayout(root: NodeBinary.scratch("nobypass"))
        let cluster = try ClusterSupervisor(layout: layout, nodeCount: 3, binary: NodeBinary.url, extraArguments: ["--fsync", "never"], seed: 1)
        defer { cluster.stop() }
        try cluster.start()
        #expect(cluster.waitForWritableCluster(timeout: 30) != nil)
        // Let every node dial every peer (heartbeats reach all followers; responses come back).
        Thread.sleep(forTimeInterval: 1)

        let peerPorts = Set(cluster.nodes.map(\.peerPort))
        let clientPorts = Set(cluster.nodes.map(\.clientPort))
        let relayPorts = Set(cluster.relay.ports.values)
        let mine = TCPSocket.inodes(of: "self")
        let sockets = TCPSocket.established()

        // Inbound: whoever is connected to a node's peer port is this process (the relay).
        let intoPeerPorts = sockets.filter { peerPorts.contains($0.remotePort) }
        #expect(intoPeerPorts.count >= 3, "every node should have peers connected to it")
        for s in intoPeerPorts {
            #expect(mine.contains(s.inode), "a connection to peer port \(s.remotePort) from port \(s.localPort) is not the relay's")
        }
        // Outbound: every connection a node dialed goes to a relay port.
        var dialed = 0
        for (id, pid) in cluster.pids {
            let theirs = TCPSocket.inodes(of: String(pid))
            for s in sockets where theirs.contains(s.inode) && !peerPorts.contains(s.localPort) && !clientPorts.contains(s.localPort) {
                dialed += 1
                #expect(relayPorts.contains(s.remotePort), "node \(id) dialed port \(s.remotePort), which is not a relay port")
            }
        }
        #expect(dialed >= 2, "nodes should have dialed their peers")
        #expect(cluster.relay.allCounters.values.reduce(0) { $0 + $1.forwarded } > 0)
    }

    @Test(.enabled(if: NodeBinary.exists, "raft-node is not built (swift build --build-tests builds it)"))
    func anIsolatedLeaderIsReallyCutOff() throws {
        let layout = RunLayout(root: NodeBinary.scratch("isolate"))
        let cluster = try ClusterSupervisor(layout: layout, nodeCount: 3, binary: NodeBinary.url, extraArguments: ["--fsync", "never"], seed: 2)
        defer { cluster.stop() }
        try cluster.start()
        let old = try #require(cluster.waitForWritableCluster(timeout: 30))
        Thread.sleep(forTimeInterval: 0.5)
        let nemesis = Nemesis(cluster: cluster, log: FaultLog(writer: nil))
        let cut = nemesis.start(.partition(.leader), choice: 0)
        #expect(cut.targets == [old])
        let before = cluster.relay.allCounters.filter { $0.key.from == old || $0.key.to == old }.mapValues(\.forwarded)
        // The majority elects another leader; the old one cannot commit a write.
        let others = cluster.ids.filter { $0 != old }
        var newLeader: String?
        let deadline = Date().addingTimeInterval(15)
        while Date() < deadline, newLeader == nil {
            if let l = others.compactMap({ RaftInfo.ask(port: cluster.spec($0)!.clientPort) }).first(where: { $0.leader != nil && $0.leader != old })?.leader {
                newLeader = l
            }
            Thread.sleep(forTimeInterval: 0.1)
        }
        #expect(newLeader != nil && newLeader != old)
        #expect(!cluster.probeWrite(through: old, value: "isolated", timeoutMs: 1500))
        let after = cluster.relay.allCounters.filter { $0.key.from == old || $0.key.to == old }.mapValues(\.forwarded)
        #expect(after == before, "frames crossed a cut link")
        nemesis.end(cut)
        #expect(cluster.waitForWritableCluster(timeout: 15) != nil)
        let healed = Date().addingTimeInterval(15)
        var written = false
        while !written && Date() < healed { written = cluster.probeWrite(through: old, value: "healed", timeoutMs: 1000) }
        #expect(written, "no write through the old leader within 15 s of the heal")
    }
}
