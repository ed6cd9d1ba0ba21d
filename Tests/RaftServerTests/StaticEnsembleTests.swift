import Foundation
import RESP
import Testing

/// pyraft's static ensemble (`-i 1 -e 2/IP:P2,3/IP:P3`: every node lists the others) and the
/// list-every-founder form (`-e 1/..,2/..,3/..` on each) form ONE three-node cluster whatever
/// order and pace the nodes start in, and a restart of all keeps it.
@Suite(.serialized) struct StaticEnsembleTests {
    struct Trio {
        let cluster = NodeProcesses()
        let base = NodeProcesses.portBase()
        func port(_ i: Int) -> Int { base + 2 * (i - 1) }
        func member(_ i: Int) -> String { "\(i)/127.0.0.1:\(port(i))" }
        /// pyraft's README: each node's -e names the two others.
        func others(_ i: Int) -> String { (1...3).filter { $0 != i }.map(member).joined(separator: ",") }
        func all() -> String { (1...3).map(member).joined(separator: ",") }

        func start(_ i: Int, ensemble: String?, extra: [String] = []) throws {
            var args = ["-a", "127.0.0.1:\(port(i))", "-i", "\(i)", "--tick-ms", "50", "--fsync", "never"]
            if let ensemble { args += ["-e", ensemble] }
            try cluster.start(id: "\(i)", port: port(i), arguments: args + extra)
        }

        /// One cluster: every node names the same leader and the same three members, and a write
        /// through one node is read back on every node.
        func expectOneCluster(key: String, seconds: Double = 20) throws {
            let deadline = Date().addingTimeInterval(seconds)
            var views: [String] = []
            while Date() < deadline {
                views = cluster.nodes.filter(\.process.isRunning).map { n in
                    guard let c = try? TestClient(port: n.port, timeoutSeconds: 1), let info = try? c.call("INFO", "raft").text else { return "?" }
                    let lines = info.split(whereSeparator: \.isNewline).map(String.init)
                    let leader = lines.first { $0.hasPrefix("leader:") } ?? "leader:"
                    let members = lines.first { $0.hasPrefix("members:") } ?? "members:"
                    return "\(leader) \(members)".trimmingCharacters(in: .whitespaces)
                }
                if views.count == 3, Set(views).count == 1, let v = views.first, v.contains("members:1,2,3"), !v.hasPrefix("leader: ") { break }
                Thread.sleep(forTimeInterval: 0.1)
            }
            #expect(views.count == 3 && Set(views).count == 1 && (views.first ?? "").contains("members:1,2,3"), "views \(views)\n\(cluster.logs())")
            let leader = try cluster.waitForLeader()
            #expect(try TestClient(port: leader.port).call("SET", key, "v").text == "OK")
            for n in cluster.nodes where n.process.isRunning {
                #expect(try TestClient(port: n.port).call("GET", key).text == "v", "node \(n.id)")
            }
        }
    }

    @Test func pyraftsListOfTheOthersStartedInOrder123FormsOneCluster() throws {
        let t = Trio()
        defer { t.cluster.stopAll() }
        for i in [1, 2, 3] {
            try t.start(i, ensemble: t.others(i))
            Thread.sleep(forTimeInterval: 0.3)
        }
        try t.expectOneCluster(key: "order-123")
    }

    @Test func pyraftsListOfTheOthersStartedInOrder321FormsOneCluster() throws {
        let t = Trio()
        defer { t.cluster.stopAll() }
        for i in [3, 2, 1] {
            try t.start(i, ensemble: t.others(i))
            Thread.sleep(forTimeInterval: 0.3)
        }
        try t.expectOneCluster(key: "order-321")
    }

    @Test func oneNodeFirstAndTheOtherTwoMuchLaterFormOneCluster() throws {
        let t = Trio()
        defer { t.cluster.stopAll() }
        try t.start(1, ensemble: t.others(1))
        Thread.sleep(forTimeInterval: 2.5)  // alone: it must neither found a cluster nor elect itself
        let alone = try TestClient(port: t.port(1)).call("SET", "k", "v")
        #expect(alone.isError, "a lone node of a static ensemble accepted a write: \(alone)")
        try t.start(2, ensemble: t.others(2))
        try t.start(3, ensemble: t.others(3))
        try t.expectOneCluster(key: "late-pair")
    }

    @Test func aListOfEveryFounderStartedInOrder321FormsOneCluster() throws {
        let t = Trio()
        defer { t.cluster.stopAll() }
        for i in [3, 2, 1] {
            try t.start(i, ensemble: t.all())
            Thread.sleep(forTimeInterval: 0.5)
        }
        try t.expectOneCluster(key: "founders-321")
    }

    @Test func mixedFormsFormOneCluster() throws {
        // Node 1 lists every founder (founds at once, cannot elect alone); 2 and 3 list the others.
        let t = Trio()
        defer { t.cluster.stopAll() }
        try t.start(1, ensemble: t.all())
        Thread.sleep(forTimeInterval: 0.5)
        try t.start(2, ensemble: t.others(2))
        try t.start(3, ensemble: t.others(3))
        try t.expectOneCluster(key: "mixed")
    }

    @Test func nodesListingAnAlreadyRunningNodeJoinItsCluster() throws {
        // Node 1 was started alone (no -e) and holds data: 2 and 3 must join it, not found a
        // second cluster beside it with each other.
        let t = Trio()
        defer { t.cluster.stopAll() }
        try t.start(1, ensemble: nil)
        try t.cluster.waitForPort(t.port(1))
        _ = try t.cluster.waitForLeader()
        #expect(try TestClient(port: t.port(1)).call("SET", "old", "data").text == "OK")
        try t.start(2, ensemble: t.others(2))
        try t.start(3, ensemble: t.others(3))
        try t.expectOneCluster(key: "joined")
        for p in [t.port(2), t.port(3)] {
            #expect(try TestClient(port: p).call("GET", "old").text == "data")
        }
    }

    @Test func aRestartOfAllKeepsTheOneCluster() throws {
        let t = Trio()
        defer { t.cluster.stopAll() }
        let dirs = (1...3).map { t.cluster.directory.appendingPathComponent("data-\($0)").path }
        for i in [1, 2, 3] { try t.start(i, ensemble: t.others(i), extra: ["--data-dir", dirs[i - 1]]) }
        try t.expectOneCluster(key: "first-life")
        t.cluster.stopAll()
        t.cluster.nodes = []
        for i in [3, 1, 2] {
            try t.start(i, ensemble: t.others(i), extra: ["--data-dir", dirs[i - 1]])
            Thread.sleep(forTimeInterval: 0.3)
        }
        try t.expectOneCluster(key: "second-life")
        #expect(try TestClient(port: t.port(2)).call("GET", "first-life").text == "v")
        #expect(t.cluster.logs().contains("restarting with persisted state"))
    }
}
