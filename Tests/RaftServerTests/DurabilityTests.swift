import Foundation
import RESP
import Testing

/// Real processes with --data-dir (fsync always) under write load, killed with SIGKILL: every
/// write a client saw acknowledged must be on every node afterwards, with its value.
@Suite(.serialized)
struct DurabilityTests {
    /// Kills one follower, then the leader, then all three at once, restarting each time, while
    /// several connections write; then checks every acknowledged write on every node.
    private func killSequence(_ cluster: DurableCluster, load: WriteLoad) throws {
        // Each step waits for the load to make progress (a number of new acknowledged writes,
        // bounded in time) rather than for a fixed time: a loaded machine is slow, not wrong.
        load.waitUntil(count: load.count + 40)
        let leader1 = try cluster.leader()
        let follower = cluster.ids.first { $0 != leader1 }!
        cluster.kill(follower)
        load.waitUntil(count: load.count + 20)
        try cluster.start(follower)
        load.waitUntil(count: load.count + 30)
        let leader2 = try cluster.leader()
        cluster.kill(leader2)
        load.waitUntil(count: load.count + 20)
        try cluster.start(leader2)
        load.waitUntil(count: load.count + 40)
        cluster.killAll()  // the whole cluster at once, writes in flight
    }

    private func verifyEverywhere(_ cluster: DurableCluster, _ acked: [String: String]) throws {
        try waitUntilConverged(cluster)
        for id in cluster.ids {
            let problems = try missingWrites(acked, port: cluster.port(id))
            #expect(problems.isEmpty, "node \(id) lost \(problems.count) of \(acked.count) acknowledged writes, e.g. \(problems.prefix(5))\n\(cluster.log(id))")
        }
    }

    @Test func acknowledgedWritesSurviveKillingAFollowerTheLeaderAndTheWholeCluster() throws {
        let cluster = DurableCluster()
        defer { cluster.stop() }
        try cluster.startAll()
        _ = try cluster.leader()
        let load = WriteLoad(ports: cluster.ids.map(cluster.port), clients: 4, label: "a")
        try killSequence(cluster, load: load)
        let acked = load.stop()
        #expect(acked.count > 50, "too few acknowledged writes to prove anything: \(acked.count)")
        try cluster.startAll(more: ["--read-mode", "local"])
        try verifyEverywhere(cluster, acked)
    }

    @Test func aFollowerBehindTheCompactedLogCatchesUpBySnapshotAndNothingAcknowledgedIsLost() throws {
        // A tiny --log-max: snapshots and compaction happen many times during the run.
        let cluster = DurableCluster(extra: ["--log-max", "100"])
        defer { cluster.stop() }
        try cluster.startAll()
        let leader = try cluster.leader()
        let c = try TestClient(port: cluster.port(leader))
        #expect(try c.call("SET", "ttl-key", "kept", "EX", "1000").text == "OK")
        let stale = cluster.ids.first { $0 != leader }!
        cluster.kill(stale)
        let load = WriteLoad(ports: cluster.ids.filter { $0 != stale }.map(cluster.port), clients: 4, label: "b")
        load.waitUntil(count: 150)
        #expect(try TestClient(port: cluster.port(leader)).call("CHECKPOINT").isError == false)
        load.waitUntil(count: 250)
        #expect(load.count > 100, "the log did not outgrow --log-max: \(load.count) writes")
        try cluster.start(stale)
        // It comes back behind the leader's compacted log: only a snapshot can catch it up.
        let deadline = Date().addingTimeInterval(8)
        while !cluster.log(stale).contains("installed a snapshot at index") && Date() < deadline {
            Thread.sleep(forTimeInterval: 0.05)
        }
        #expect(cluster.log(stale).contains("installed a snapshot at index"), "node \(stale) did not install a snapshot\n\(cluster.processes.logs())")
        try killSequence(cluster, load: load)
        let acked = load.stop()
        try cluster.startAll(more: ["--read-mode", "local"])
        try verifyEverywhere(cluster, acked)
        for id in cluster.ids {
            // The deadline survived snapshots, shipping and restarts (pyraft forgets TTLs here).
            let pttl = try TestClient(port: cluster.port(id)).call("PTTL", "ttl-key")
            guard case .integer(let ms) = pttl else {
                Issue.record("PTTL on node \(id): \(pttl)")
                continue
            }
            #expect(ms > 900_000 && ms <= 1_000_000, "node \(id): \(ms)")
        }
    }

    @Test func aMemberThatStartsLateWithAnEmptyDiskCatchesUpBySnapshot() throws {
        // Nodes 1 and 2 form the quorum of the three-member ensemble and compact their logs
        // many times; node 3 has never run: all it can get is the leader's snapshot, then the log.
        let cluster = DurableCluster(extra: ["--log-max", "50"])
        defer { cluster.stop() }
        try cluster.start("1")
        try cluster.start("2")
        let leader = try cluster.leader(among: ["1", "2"])
        let load = WriteLoad(ports: [cluster.port(leader)], clients: 3, label: "c")
        load.waitUntil(count: 150)
        let acked = load.stop()
        #expect(acked.count > 50)
        try cluster.start("3", more: ["--read-mode", "local"])
        try waitUntilConverged(cluster)
        #expect(cluster.log("3").contains("installed a snapshot at index"), "\(cluster.log("3"))")
        // Whichever of 1 and 2 leads by then sent it (the first leader may have stepped down
        // under load before node 3 started).
        #expect(["1", "2"].contains { cluster.log($0).contains("sent snapshot at index") }, "\(cluster.log("1"))\n\(cluster.log("2"))")
        let problems = try missingWrites(acked, port: cluster.port("3"))
        #expect(problems.isEmpty, "\(problems.prefix(5))")
    }

    @Test func aBrandNewNodeJoiningACompactedClusterCatchesUpBySnapshot() throws {
        let cluster = DurableCluster(extra: ["--log-max", "50"])
        defer { cluster.stop() }
        try cluster.startAll()
        let leader = try cluster.leader()
        let load = WriteLoad(ports: [cluster.port(leader)], clients: 3, label: "j")
        load.waitUntil(count: 150)
        let acked = load.stop()
        #expect(acked.count > 50)
        // Node 4 is in no ensemble: `-e` names the members, so it joins (pyraft's flow) with an
        // empty data directory, and the log it needs is long compacted.
        try cluster.start("4", more: ["--read-mode", "local"])
        let commit = try #require(nodeInfo(port: cluster.port(leader))?["commit_index"].flatMap(Int.init))
        let deadline = Date().addingTimeInterval(12)
        while (nodeInfo(port: cluster.port("4"))?["applied_index"].flatMap(Int.init) ?? 0) < commit && Date() < deadline {
            Thread.sleep(forTimeInterval: 0.05)
        }
        #expect(cluster.log("4").contains("installed a snapshot at index"), "\(cluster.log("4"))\n\(cluster.log(leader))")
        let problems = try missingWrites(acked, port: cluster.port("4"))
        #expect(problems.isEmpty, "\(problems.count) missing on the new node, e.g. \(problems.prefix(3))")
    }
}
