import Foundation
import RESP
import Testing

/// `--unsafe-fault NAME`: switches that break the node on purpose, so chaos setups can prove they
/// fail. They must be hard to turn on by accident, invisible in `--help`, and really act.
@Suite(.serialized)
struct UnsafeFaultTests {
    static let names = ["stale-local-reads", "ack-before-commit", "vote-without-log-check", "skip-fsync-on-vote", "forget-term-on-restart"]

    @Test func unknownOrAbbreviatedNamesAreRefusedNamingTheKnownOnes() throws {
        let port = NodeProcesses.portBase()
        for name in ["stale", "stale-local", "STALE-LOCAL-READS", "ack", "vote-without-log-check ", "", "no-such-fault"] {
            let (status, output) = try runNodeExpectingExit(["-a", "127.0.0.1:\(port)", "--unsafe-fault", name])
            #expect(status != 0, "'\(name)' was accepted")
            #expect(output.contains("is not a known fault"), "'\(name)': \(output)")
            #expect(output.contains("forget-term-on-restart"), "the error names the known faults: \(output)")
        }
    }

    @Test func helpUnsafeFaultsListsEveryFaultOnALineOfItsOwn() throws {
        let (status, output) = try runNodeExpectingExit(["help", "unsafe-faults"])
        #expect(status == 0, "\(output)")
        let lines = output.split(separator: "\n")
        for name in Self.names {
            #expect(lines.filter { $0.contains("\(name):") }.count == 1, "\(name) missing or repeated in:\n\(output)")
        }
    }

    @Test func normalHelpNeverMentionsThem() throws {
        let (status, output) = try runNodeExpectingExit(["--help"])
        #expect(status == 0)
        #expect(output.contains("--read-mode"), "this is the real help: \(output)")
        #expect(!output.contains("unsafe-fault"), "\(output)")
        for name in Self.names { #expect(!output.contains(name)) }
    }

    @Test func aNodeWithAFaultWarnsLoudlyAtStart() throws {
        let nodes = NodeProcesses()
        defer { nodes.stopAll() }
        let port = NodeProcesses.portBase()
        try nodes.start(id: "1", port: port, arguments: ["-a", "127.0.0.1:\(port)", "--unsafe-fault", "vote-without-log-check", "--unsafe-fault", "skip-fsync-on-vote"])
        try nodes.waitForPort(port)
        let log = nodes.logs()
        #expect(log.contains("UNSAFE FAULT 'vote-without-log-check' IS ON"), "\(log)")
        #expect(log.contains("UNSAFE FAULT 'skip-fsync-on-vote' IS ON"), "\(log)")
    }

    /// With both followers dead nothing can commit; a correct leader never says OK (it times
    /// out with TRYAGAIN after 5 s), the sabotaged one says OK at once.
    @Test func ackBeforeCommitAnswersOKWithNoMajority() throws {
        let cluster = NodeProcesses()
        defer { cluster.stopAll() }
        try cluster.startCluster(size: 3, base: NodeProcesses.portBase(), extra: ["--unsafe-fault", "ack-before-commit"])
        let leader = try cluster.waitForLeader()
        for f in cluster.nodes where f.id != leader.id { cluster.kill(id: f.id) }
        let c = try TestClient(port: leader.port, timeoutSeconds: 3)
        let started = Date()
        #expect(try c.call("SET", "unreplicated", "v").text == "OK")
        #expect(Date().timeIntervalSince(started) < 2, "answered without waiting for a commit")
    }

    /// The last node standing has no leader to confirm anything with; a correct node cannot
    /// answer a read (CLUSTERDOWN or TRYAGAIN), the sabotaged one answers from its own state.
    @Test func staleLocalReadsAnswerWithoutAQuorum() throws {
        let cluster = NodeProcesses()
        defer { cluster.stopAll() }
        try cluster.startCluster(size: 3, base: NodeProcesses.portBase(), extra: ["--unsafe-fault", "stale-local-reads"])
        let leader = try cluster.waitForLeader()
        #expect(try TestClient(port: leader.port).call("SET", "k", "v").text == "OK")
        let survivor = cluster.nodes.first { $0.id != leader.id }!
        let c = try TestClient(port: survivor.port, timeoutSeconds: 3)
        let deadline = Date().addingTimeInterval(5)
        while Date() < deadline, (try? c.call("GET", "k"))?.text != "v" { Thread.sleep(forTimeInterval: 0.05) }
        for n in cluster.nodes where n.id != survivor.id { cluster.kill(id: n.id) }
        Thread.sleep(forTimeInterval: 0.3)
        let started = Date()
        #expect(try c.call("GET", "k").text == "v")
        #expect(Date().timeIntervalSince(started) < 1, "answered without a ReadIndex round")
    }
}
