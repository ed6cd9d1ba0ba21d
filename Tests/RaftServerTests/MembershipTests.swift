import Foundation
import RESP
import Testing

/// Membership with real raft-node processes: pyraft's join flow, removal of dead nodes,
/// removed nodes that come back, leadership transfer under load, RAFT.STATUS.
@Suite(.serialized)
struct MembershipTests {
    /// Five nodes use ten ports: two consecutive port slots.
    static func wideBase() -> Int {
        let base = NodeProcesses.portBase()
        _ = NodeProcesses.portBase()
        return base
    }

    @Test(arguments: [3, 5])
    func pyraftJoinChainFormsOneClusterAndWritesReachEveryNode(size: Int) throws {
        let cluster = NodeProcesses()
        defer { cluster.stopAll() }
        try cluster.startJoinChain(size: size, base: Self.wideBase())
        let ids = (1...size).map(String.init)
        try cluster.waitForVoters(Set(ids), on: ids, seconds: 15)
        for id in ids {
            #expect(try cluster.write(["SET", "from-\(id)", "v\(id)"], on: id).text == "OK", "write via node \(id)")
        }
        for reader in ids {
            let c = try TestClient(port: cluster.port(of: reader))
            for id in ids {
                #expect(try c.call("GET", "from-\(id)").text == "v\(id)", "node \(reader) reads the write made via \(id)")
            }
        }
        // One cluster: everyone follows the same leader in the same term.
        let statuses = try ids.map { try RaftStatus(port: cluster.port(of: $0)) }
        #expect(Set(statuses.map(\.leader)).count == 1 && statuses[0].leader != "")
        #expect(Set(statuses.map(\.term)).count == 1)
        #expect(statuses.filter { $0.role == "leader" }.count == 1)
    }

    @Test func nodesThatOnlyListEachOtherFoundOneClusterTogether() throws {
        let cluster = NodeProcesses()
        defer { cluster.stopAll() }
        let base = NodeProcesses.portBase()
        // pyraft's static style (each lists the others): both are new and propose the same set,
        // so they found it together (StaticEnsembleTests covers three nodes in every order).
        for (i, other) in [(1, 2), (2, 1)] {
            try cluster.start(id: "\(i)", port: base + 2 * (i - 1), arguments: [
                "-a", "127.0.0.1:\(base + 2 * (i - 1))", "-i", "\(i)", "-e", "\(other)/127.0.0.1:\(base + 2 * (other - 1))",
            ] + NodeProcesses.fastTicks)
        }
        let leader = try cluster.waitForLeader()
        #expect(try TestClient(port: leader.port).call("SET", "k", "v").text == "OK")
        for n in cluster.nodes {
            let reply = try TestClient(port: n.port).call("GET", "k")
            #expect(reply.text == "v", "node \(n.id) answered \(reply)\n\(cluster.logs())")
        }
        #expect(cluster.logs().contains("founding the cluster with 1/127.0.0.1:\(base),2/127.0.0.1:\(base + 2)"))
    }

    @Test func aNodeJoiningAfterCompactionCatchesUpFromASnapshot() throws {
        let cluster = NodeProcesses()
        defer { cluster.stopAll() }
        let base = NodeProcesses.portBase()
        let compact = ["--log-max", "50"]
        try cluster.start(id: "1", port: base, arguments: cluster.joinArguments(1, base: base, dataDirectory: nil) + compact)
        try cluster.waitUntil("node 1 leads") { (try? RaftStatus(port: base))?.role == "leader" }
        let c = try TestClient(port: base)
        var batch: [UInt8] = []
        for i in 0..<200 { batch += TestClient.encode(["SET", "k\(i)", "v\(i)"]) }
        try c.sendRaw(batch)
        for i in 0..<200 { #expect(try c.readReply()?.text == "OK", "SET \(i)") }
        try cluster.start(id: "2", port: base + 2, arguments: cluster.joinArguments(2, base: base, dataDirectory: nil) + compact)
        try cluster.waitForVoters(["1", "2"], on: ["1", "2"])
        let joined = try TestClient(port: base + 2)
        #expect(try joined.call("GET", "k0").text == "v0")
        #expect(try joined.call("GET", "k199").text == "v199")
        let log = try String(contentsOfFile: cluster.nodes[1].logPath, encoding: .utf8)
        #expect(log.contains("installed a snapshot"), "the first entries were compacted away on node 1")
    }

    @Test func aJoinedNodeRestartingWithItsStateDoesNotJoinAgain() throws {
        let cluster = NodeProcesses()
        defer { cluster.stopAll() }
        let base = NodeProcesses.portBase()
        let dir = cluster.directory.appendingPathComponent("data-2").path
        try cluster.startJoinChain(size: 3, base: base) { $0 == 2 ? dir : nil }
        try cluster.waitForVoters(["1", "2", "3"], on: ["1", "2", "3"])
        #expect(try cluster.write(["SET", "k", "before"], on: "2").text == "OK")
        cluster.kill(id: "2")
        try cluster.restart(id: "2", port: cluster.port(of: "2"), arguments: cluster.joinArguments(2, base: base, dataDirectory: dir))
        try cluster.waitForPort(cluster.port(of: "2"))
        #expect(try cluster.write(["SET", "k", "after"], on: "2").text == "OK")
        #expect(try TestClient(port: cluster.port(of: "2")).call("GET", "k").text == "after")
        let log = try String(contentsOfFile: cluster.nodes.last!.logPath, encoding: .utf8)
        #expect(log.contains("not joining again"), "\(log)")
        // Node 2 was admitted exactly once: one addLearner entry for it in the leader's log.
        let leader = try cluster.waitForLeader()
        guard case .array(let lines?) = try TestClient(port: leader.port).call("GETLOG", "1000") else {
            Issue.record("GETLOG is not an array")
            return
        }
        #expect(lines.compactMap(\.text).filter { $0.contains("addLearner 2 ") }.count == 1)
    }

    @Test func removingDeadNodesLetsTheSmallerMajorityKeepWriting() throws {
        let cluster = NodeProcesses()
        defer { cluster.stopAll() }
        try cluster.startCluster(size: 5, base: Self.wideBase())
        let leader = try cluster.waitForLeader()
        let followers = cluster.nodes.map(\.id).filter { $0 != leader.id }.sorted()
        #expect(try cluster.write(["SET", "k", "five"], on: leader.id).text == "OK")
        cluster.kill(id: followers[0])
        cluster.kill(id: followers[1])
        let l = try TestClient(port: leader.port)
        #expect(try l.call("RAFT.REMOVE", followers[0]).text == "OK")
        // pyraft's name, sent to a follower: relayed to the leader.
        #expect(try TestClient(port: cluster.port(of: followers[2])).call("del_node", followers[1]).text == "OK")
        let remaining = Set([leader.id, followers[2], followers[3]])
        try cluster.waitForVoters(remaining, on: Array(remaining))
        // A third failure: 2 of the 3 remaining voters still make a majority (2 of the original 5 would not).
        cluster.kill(id: followers[2])
        #expect(try cluster.write(["SET", "k", "three"], on: leader.id).text == "OK")
        #expect(try cluster.write(["SET", "k2", "via-follower"], on: followers[3]).text == "OK")
        #expect(try TestClient(port: cluster.port(of: followers[3])).call("GET", "k").text == "three")
    }

    @Test func aRemovedNodeThatComesBackCannotDisruptTheCluster() throws {
        let cluster = NodeProcesses()
        defer { cluster.stopAll() }
        let base = NodeProcesses.portBase()
        let ensemble = (1...3).map { "\($0)/127.0.0.1:\(base + 2 * ($0 - 1))" }.joined(separator: ",")
        func arguments(_ i: Int) -> [String] {
            ["-a", "127.0.0.1:\(base + 2 * (i - 1))", "-i", "\(i)", "-e", ensemble,
             "--data-dir", cluster.directory.appendingPathComponent("data-\(i)").path] + NodeProcesses.fastTicks
        }
        for i in 1...3 { try cluster.start(id: "\(i)", port: base + 2 * (i - 1), arguments: arguments(i)) }
        let leader = try cluster.waitForLeader()
        let removed = cluster.nodes.map(\.id).first { $0 != leader.id }!
        #expect(try cluster.write(["SET", "k", "1"], on: leader.id).text == "OK")
        cluster.kill(id: removed)
        #expect(try TestClient(port: leader.port).call("RAFT.REMOVE", removed).text == "OK")
        #expect(try cluster.write(["SET", "k", "2"], on: leader.id).text == "OK")
        let before = try RaftStatus(port: leader.port)
        // It restarts with its old state: it never saw its removal and believes it is a voter.
        try cluster.restart(id: removed, port: cluster.port(of: removed), arguments: arguments(Int(removed)!))
        try cluster.waitForPort(cluster.port(of: removed))
        // Several election timeouts (500 to 1000 ms each) of it campaigning.
        let members = cluster.nodes.map(\.id).filter { $0 != removed }
        var rolesOfRemoved: Set<String> = []
        for _ in 0..<20 {
            if let r = try? RaftStatus(port: cluster.port(of: removed)) { rolesOfRemoved.insert(r.role) }
            for id in members {
                let s = try RaftStatus(port: cluster.port(of: id))
                #expect(s.term == before.term, "node \(id)'s term moved from \(before.term) to \(s.term)")
                #expect(s.leader == leader.id, "node \(id) follows '\(s.leader)'")
            }
            Thread.sleep(forTimeInterval: 0.15)
        }
        // It did campaign (so the members really were asked), and never won.
        #expect(rolesOfRemoved.contains("preCandidate"), "\(rolesOfRemoved)")
        #expect(!rolesOfRemoved.contains("leader"))
        #expect(try cluster.write(["SET", "k", "3"], on: leader.id).text == "OK")
        #expect(try RaftStatus(port: leader.port).peers.keys.sorted() == members.sorted())
    }

    @Test func aNodeBackAtANewAddressIsReadmittedOnlyWithOverwrite() throws {
        let cluster = NodeProcesses()
        defer { cluster.stopAll() }
        let base = Self.wideBase()
        try cluster.startJoinChain(size: 3, base: base)
        try cluster.waitForVoters(["1", "2", "3"], on: ["1", "2", "3"])
        cluster.kill(id: "3")
        let moved = base + 8
        let args = ["-a", "127.0.0.1:\(moved)", "-i", "3", "-e", "127.0.0.1:\(base)"] + NodeProcesses.fastTicks
        // Same id, new address, no -o: refused, the old member stays.
        try cluster.restart(id: "3", port: moved, arguments: args)
        try cluster.waitUntil("the refusal is logged") {
            ((try? String(contentsOfFile: cluster.nodes.last!.logPath, encoding: .utf8)) ?? "").contains("already a member")
        }
        #expect(try RaftStatus(port: base).peers["3"]?.address == "127.0.0.1:\(base + 4)")
        cluster.kill(id: "3")
        // With -o (pyraft's overwrite): the old incarnation is removed, the new one added.
        try cluster.restart(id: "3", port: moved, arguments: args + ["-o"])
        try cluster.waitUntil("3 is a voter at its new address") {
            guard let s = try? RaftStatus(port: base), let p = s.peers["3"] else { return false }
            return p.address == "127.0.0.1:\(moved)" && p.role == "voter"
        }
        #expect(try cluster.write(["SET", "k", "moved"], on: "1").text == "OK")
        #expect(try TestClient(port: moved).call("GET", "k").text == "moved")
    }

    @Test func aLeaderRemovingItselfHandsLeadershipOverFirst() throws {
        let cluster = NodeProcesses()
        defer { cluster.stopAll() }
        try cluster.startCluster(size: 3, base: NodeProcesses.portBase())
        let leader = try cluster.waitForLeader()
        let before = try RaftStatus(port: leader.port)
        #expect(try TestClient(port: leader.port).call("RAFT.REMOVE", leader.id).text == "OK")
        let others = cluster.nodes.map(\.id).filter { $0 != leader.id }
        try cluster.waitForVoters(Set(others), on: others)
        let after = try RaftStatus(port: cluster.port(of: others[0]))
        #expect(others.contains(after.leader))
        // A transfer (TimeoutNow) costs one term; an election after a plain step-down could cost more.
        #expect(after.term == before.term + 1)
        #expect(try cluster.write(["SET", "k", "v"], on: others[1]).text == "OK")
        // The old leader is still running: it knows it was removed and says so.
        try cluster.waitUntil("the removed node refuses data commands") {
            (try? TestClient(port: leader.port).call("GET", "k"))?.errorMessage?.contains("removed from the cluster") == true
        }
        #expect(try RaftStatus(port: leader.port).role != "leader")
    }

    /// Acknowledged writes, recorded from writer threads.
    final class Acknowledged: @unchecked Sendable {
        let lock = NSLock()
        var values: [String: String] = [:]
        var failures = 0
        var stop = false
        func record(_ key: String, _ value: String?) {
            lock.withLock {
                if let value { values[key] = value } else { failures += 1 }
            }
        }
        var stopped: Bool { lock.withLock { stop } }
    }

    @Test func leadershipTransferUnderLoadLosesNoAcknowledgedWrite() throws {
        let cluster = NodeProcesses()
        defer { cluster.stopAll() }
        try cluster.startCluster(size: 3, base: NodeProcesses.portBase())
        let leader = try cluster.waitForLeader()
        let target = cluster.nodes.map(\.id).first { $0 != leader.id }!
        let acknowledged = Acknowledged()
        let group = DispatchGroup()
        for (w, node) in cluster.nodes.enumerated() {
            let port = node.port
            DispatchQueue.global().async(group: group) {
                guard let c = try? TestClient(port: port, timeoutSeconds: 3) else { return }
                for i in 0..<5000 where !acknowledged.stopped {
                    let key = "w\(w):\(i)"
                    let reply = try? c.call("SET", key, "\(i)")
                    acknowledged.record(key, reply?.text == "OK" ? "\(i)" : nil)
                }
            }
        }
        // Let the writers get going (bounded: 5 s), so the transfer happens under load.
        for _ in 0..<100 where acknowledged.lock.withLock({ acknowledged.values.count }) < 50 {
            Thread.sleep(forTimeInterval: 0.05)
        }
        let before = acknowledged.lock.withLock { acknowledged.values.count }
        #expect(try TestClient(port: leader.port).call("RAFT.TRANSFER", target).text == "OK")
        try cluster.waitUntil("every node follows \(target)") {
            cluster.nodes.allSatisfy { (try? RaftStatus(port: $0.port))?.leader == target }
        }
        Thread.sleep(forTimeInterval: 0.5)
        acknowledged.lock.withLock { acknowledged.stop = true }
        #expect(group.wait(timeout: .now() + 10) == .success)
        let values = acknowledged.lock.withLock { acknowledged.values }
        #expect(before > 0 && values.count > before, "writes went on across the transfer (\(before) then \(values.count))")
        for n in cluster.nodes {
            let c = try TestClient(port: n.port)
            var missing: [String] = []
            for (key, value) in values {
                let reply = try c.call("GET", key)
                if reply.text != value { missing.append("\(key) (got \(reply))") }  // an error reply shows too
            }
            #expect(missing.isEmpty, "node \(n.id) lacks \(missing.count) acknowledged writes, e.g. \(missing.prefix(5))")
        }
    }

    @Test func raftStatusIsAMapAndMembershipCommandsGiveClearErrors() throws {
        let cluster = NodeProcesses()
        defer { cluster.stopAll() }
        let base = NodeProcesses.portBase()
        try cluster.start(id: "1", port: base, arguments: ["-a", "127.0.0.1:\(base)", "-i", "1"] + NodeProcesses.fastTicks)
        try cluster.waitForPort(base)
        try cluster.waitUntil("node 1 leads") { (try? RaftStatus(port: base))?.role == "leader" }
        let c = try TestClient(port: base)
        let s = try RaftStatus(try c.call("RAFT.STATUS"))
        for key in ["id", "role", "term", "leader", "commit_index", "applied_index", "last_index", "peers"] {
            #expect(s.fields[key] != nil, "RAFT.STATUS lacks \(key)")
        }
        #expect(s.fields["id"]?.text == "1" && s.leader == "1")
        let me = try #require(s.peers["1"])
        #expect(me.role == "voter" && me.lag == 0 && me.address == "127.0.0.1:\(base)")
        if case .integer(let last) = s.fields["last_index"] { #expect(me.matchIndex == last) } else { Issue.record("last_index") }

        // A node that will start later: a learner until it runs and catches up.
        #expect(try c.call("RAFT.ADD", "2", "127.0.0.1:\(base + 2)").text == "OK")
        #expect(try c.call("RAFT.ADD", "2", "127.0.0.1:\(base + 2)").text == "OK", "idempotent")
        let withLearner = try RaftStatus(try c.call("RAFT.STATUS"))
        #expect(withLearner.peers["2"]?.role == "learner")
        #expect(withLearner.peers["2"]?.address == "127.0.0.1:\(base + 2)")
        // Two changes sent back to back: the second waits for the first (one at a time, §4.1)
        // instead of failing.
        try c.sendRaw(TestClient.encode(["RAFT.ADD", "5", "127.0.0.1:\(base + 10)"]) + TestClient.encode(["RAFT.ADD", "6", "127.0.0.1:\(base + 12)"]))
        #expect(try c.readReply()?.text == "OK")
        #expect(try c.readReply()?.text == "OK")
        #expect(try c.call("RAFT.REMOVE", "5").text == "OK")
        #expect(try c.call("RAFT.REMOVE", "6").text == "OK")
        #expect(try c.call("add_node", "3", "127.0.0.1:\(base + 4)").text == "OK")
        #expect(try c.call("del_node", "3").text == "OK")

        func error(_ args: String...) throws -> String {
            let r = try c.call(args)
            return r.isError ? (r.errorMessage ?? "") : "not an error: \(r)"
        }
        #expect(try error("RAFT.ADD", "2", "127.0.0.1:\(base + 6)").hasPrefix("ERR node '2' is already a member"))
        #expect(try error("RAFT.ADD", "9", "127.0.0.1:\(base + 2)").hasPrefix("ERR address"))
        #expect(try error("RAFT.REMOVE", "nosuch") == "ERR unknown node id 'nosuch'")
        #expect(try error("RAFT.TRANSFER", "nosuch") == "ERR unknown node id 'nosuch'")
        #expect(try error("RAFT.TRANSFER", "2").contains("not a voter"))
        #expect(try error("RAFT.ADD", "4", "not-an-address").hasPrefix("ERR"))
        #expect(try error("RAFT.ADD", "4").hasPrefix("ERR wrong number of arguments"))
        #expect(try error("RAFT.REMOVE", "1").contains("last voter"))
        #expect(try c.call("RAFT.REMOVE", "2").text == "OK")
        #expect(try RaftStatus(try c.call("RAFT.STATUS")).peers.keys.sorted() == ["1"])

        // RESP3 clients get a real map.
        _ = try c.call("HELLO", "3")
        guard case .map = try c.call("RAFT.STATUS") else {
            Issue.record("RAFT.STATUS over RESP3 is not a map")
            return
        }
    }
}

extension RESPValue {
    var errorMessage: String? { if case .error(let e) = self { e } else { nil } }
}
