import Foundation
import RESP
import Testing
@testable import Chaos

/// A snapshot transfer cut in the middle goes on from where it stopped (issue 15): real nodes
/// behind the relay, the leader's snapshot sent at a bounded rate (--snapshot-send-rate) so the
/// cut lands mid-file, and the relay's count of chunk frames on that link as the proof.
@Suite(.serialized) struct SnapshotResumeTests {
    static let valueSize = 256 << 10
    static let keys = 40  // 10 MiB of values: ten 1 MiB chunks and a bit

    @Test(.enabled(if: NodeBinary.exists, "raft-node is not built (swift build --build-tests builds it)"))
    func aSnapshotTransferCutHalfwayResumesFromTheFollowersOffset() throws {
        let layout = RunLayout(root: NodeBinary.scratch("snapresume"))
        let cluster = try ClusterSupervisor(
            layout: layout, nodeCount: 3, binary: NodeBinary.url,
            extraArguments: ["--fsync", "never", "--snapshot-send-rate", "3mb"], seed: 7)
        defer { cluster.stop() }
        try cluster.start()
        let first = try #require(cluster.waitForWritableCluster(timeout: 30))
        let follower = try #require(cluster.ids.first { $0 != first })

        // The follower misses every write; the leader then compacts its log into a snapshot, so
        // the follower can only catch up from the snapshot's file. Writes and the CHECKPOINT are
        // retried through either live node: the suite's load can cost the two an election.
        cluster.kill(follower)
        let live = cluster.ids.filter { $0 != follower }
        let value = String(repeating: "v", count: Self.valueSize)
        for i in 0..<Self.keys {
            try #require(Self.retried(live, in: cluster, ["SET", "big:\(i)", value]) == .simpleString("OK"), "SET big:\(i)")
        }
        try #require(Self.retried(live, in: cluster, ["SET", "last", "written"]) == .simpleString("OK"))
        let leader = try #require(Self.leader(among: live, in: cluster), "no leader among \(live)")
        let checkpoint = try NodeClient.call(port: cluster.spec(leader)!.clientPort, ["CHECKPOINT"], timeoutMs: 10_000)
        if case .error(let e) = checkpoint { Issue.record("CHECKPOINT on \(leader): \(e)") }

        let link = DirectedLink(from: leader, to: follower)
        let before = cluster.relay.counters(on: link).byType["snapshot-chunk"] ?? 0
        try cluster.restart(follower)

        // Cut the link once a few chunks (MiB) have gone through: the follower holds them.
        let cutDeadline = Date().addingTimeInterval(30)
        var seenAtCut = 0
        while Date() < cutDeadline {
            seenAtCut = (cluster.relay.counters(on: link).byType["snapshot-chunk"] ?? 0) - before
            if seenAtCut >= 4 { break }
            Thread.sleep(forTimeInterval: 0.02)
        }
        try #require(seenAtCut >= 4, "the snapshot transfer never started (\(seenAtCut) chunks seen)")
        cluster.relay.resetConnections(on: link)
        let afterCut = (cluster.relay.counters(on: link).byType["snapshot-chunk"] ?? 0) - before

        // The follower catches up: it serves the last write (a local read on it is not what is
        // checked; its log says the snapshot was installed).
        let followerLog = layout.nodeLog(follower)
        let installDeadline = Date().addingTimeInterval(60)
        var log = ""
        while Date() < installDeadline {
            log = (try? String(contentsOf: followerLog, encoding: .utf8)) ?? ""
            if log.contains("received snapshot at index") { break }
            Thread.sleep(forTimeInterval: 0.1)
        }
        try #require(log.contains("received snapshot at index"), "the follower never installed the snapshot; its log:\n\(log.suffix(3000))")
        #expect(log.contains("resuming snapshot at index"), "the follower did not ask to resume; its log:\n\(log.suffix(3000))")

        // The leader sent the rest, not the whole file again.
        let leaderLog = (try? String(contentsOf: layout.nodeLog(leader), encoding: .utf8)) ?? ""
        let chunksInFile = try #require(Self.snapshotSize(in: leaderLog)).quotientAndRemainder(dividingBy: 1 << 20)
        let fileChunks = chunksInFile.quotient + (chunksInFile.remainder > 0 ? 1 : 0)
        let resent = (cluster.relay.counters(on: link).byType["snapshot-chunk"] ?? 0) - before - afterCut
        #expect(leaderLog.contains("resumes at byte"), "the leader did not resume")
        #expect(resent < fileChunks, "after the cut at \(afterCut) of \(fileChunks) chunks the leader sent \(resent) more: the file again, not its rest")

        // And the data is all there on the follower once it serves reads (retried: the suite's
        // load can cost the cluster an election meanwhile, answered CLUSTERDOWN or TRYAGAIN).
        let port = try #require(cluster.spec(follower)?.clientPort)
        let readDeadline = Date().addingTimeInterval(20)
        var seen: (last: RESPValue?, size: RESPValue?) = (nil, nil)
        while Date() < readDeadline {
            seen.last = try? NodeClient.call(port: port, ["GET", "last"], timeoutMs: 2000)
            seen.size = try? NodeClient.call(port: port, ["STRLEN", "big:\(Self.keys - 1)"], timeoutMs: 2000)
            if seen.last == .bulkString(Array("written".utf8)) && seen.size == .integer(Int64(Self.valueSize)) { break }
            Thread.sleep(forTimeInterval: 0.2)
        }
        #expect(seen.last == .bulkString(Array("written".utf8)))
        #expect(seen.size == .integer(Int64(Self.valueSize)))
    }

    /// `command` through the nodes `ids` in turn until one answers other than an error, for up
    /// to 20 s; the last answer.
    static func retried(_ ids: [String], in cluster: ClusterSupervisor, _ command: [String]) -> RESPValue? {
        let deadline = Date().addingTimeInterval(20)
        var last: RESPValue? = nil
        var n = 0
        while Date() < deadline {
            let id = ids[n % ids.count]
            n += 1
            last = try? NodeClient.call(port: cluster.spec(id)!.clientPort, command, timeoutMs: 5000)
            if let answer = last {
                if case .error = answer {} else { return answer }
            }
            Thread.sleep(forTimeInterval: 0.1)
        }
        return last
    }

    /// The node of `ids` that says it leads, within 15 s.
    static func leader(among ids: [String], in cluster: ClusterSupervisor) -> String? {
        let deadline = Date().addingTimeInterval(15)
        while Date() < deadline {
            for id in ids where RaftInfo.ask(port: cluster.spec(id)!.clientPort)?.role == "leader" { return id }
            Thread.sleep(forTimeInterval: 0.1)
        }
        return nil
    }

    /// "sending snapshot at index N (B bytes)" from the leader's log.
    static func snapshotSize(in log: String) -> Int? {
        guard let r = log.range(of: "sending snapshot at index ", options: .backwards) else { return nil }
        let rest = log[r.upperBound...]
        guard let open = rest.firstIndex(of: "("), let space = rest[open...].firstIndex(of: " ") else { return nil }
        return Int(rest[rest.index(after: open)..<space])
    }
}
