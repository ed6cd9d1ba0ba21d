import RESP
import Testing
@testable import KeyValueStore

/// A deterministic pseudo-random workload (seeded), so a failure replays.
struct Workload {
    var state: UInt64
    init(seed: UInt64) { state = seed }
    mutating func next(_ n: Int) -> Int {
        state = state &* 6364136223846793005 &+ 1442695040888963407
        return Int((state >> 33) % UInt64(n))
    }

    mutating func command() -> [String] {
        let k = "k\(next(20))"
        switch next(16) {
        case 0: return ["set", k, "v\(next(100))", "PX", "\(1 + next(3000))"]
        case 1: return ["set", k, "v\(next(100))"]
        case 2: return ["incr", k]
        case 3: return ["expire", k, "\(next(5))", ["NX", "XX", "GT", "LT"][next(4)]]
        case 4: return ["del", k]
        case 5: return ["hset", "h\(next(5))", "f\(next(5))", "\(next(9))"]
        case 6: return ["rpush", "l\(next(5))", "e\(next(9))"]
        case 7: return ["lpop", "l\(next(5))"]
        case 8: return ["getex", k, "PX", "\(1 + next(2000))"]
        case 9: return ["append", k, "x"]
        case 10: return ["cas", k, "v\(next(100))", "w"]
        case 11: return ["persist", k]
        case 12: return ["rename", k, "k\(next(20))"]
        case 13: return ["setex", k, "\(1 + next(3))", "s"]
        case 14: return ["tmk", "n\(next(4))", "a", "\(next(9))"]
        default: return ["lrem", "l\(next(5))", "0", "e\(next(9))"]
        }
    }
}

@Suite struct ReplicationAndSnapshotTests {
    /// The leader prepares at its own clock; two fresh replicas apply the same bytes and
    /// must agree on every reply, every value and every deadline.
    @Test func replicasApplyingTheSameLogAgreeOnStateRepliesAndTTLs() {
        var w = Workload(seed: 42)
        let leader = Harness()
        var replies: [RESPValue] = []
        for _ in 0..<3000 {
            leader.advance(ms: Int64(w.next(50)))
            replies.append(leader.run(w.command().map { Array($0.utf8) }))
        }
        #expect(leader.log.count > 2500)
        let a = KeyValueStateMachine(), b = KeyValueStateMachine()
        var divergent = 0
        for (i, e) in leader.log.enumerated() {
            let ra = a.apply(e), rb = b.apply(e)
            if ra != rb { divergent += 1 }
            _ = i
        }
        #expect(divergent == 0)
        #expect(a.store == b.store)
        #expect(a.store == leader.store)
        #expect(a.store.snapshotBytes() == b.store.snapshotBytes())
        // Some keys expired along the way, and some still carry deadlines.
        #expect(a.store.records.values.contains { $0.expiresAt != nil })
        #expect(replies.contains(.integer(1)))
    }

    @Test func applyingTheSameEntryAtALaterPositionUsesTheLogsTimeNotTheWallClock() {
        let leader = Harness()
        leader.run("set", "k", "v", "PX", "100")
        let replica = KeyValueStateMachine()
        _ = replica.apply(leader.log[0])
        // However late the replica applies, the key is alive at the entry's time...
        #expect(replica.read([Array("pttl".utf8), Array("k".utf8)], now: replica.store.clock) == .integer(100))
        // ...and expires by log time, once a later entry carries a later timestamp.
        _ = replica.apply(LogEntry(timestamp: leader.now + 100, args: []))
        #expect(replica.store.storedCount == 0)
    }

    @Test func snapshotRoundTripPreservesValuesDeadlinesTreeAndClock() throws {
        let h = Harness()
        h.run("set", "s", "plain")
        h.run("set", "bin", String(decoding: [0xff, 0, 0x41], as: UTF8.self))
        h.run([Array("set".utf8), [0, 1, 2, 255], [255, 254, 10]])
        h.run("set", "ttl", "v", "EX", "100")
        h.run("hset", "h", "a", "1", "b", "2")
        h.run("expire", "h", "50")
        h.run("rpush", "l", "x", "y", "z")
        h.run("tmk", "root", "attr", "1")
        h.run("tmk", "root/child", "{\"k\": \"v\"}")
        let bytes = h.store.snapshotBytes()
        let restored = try SnapshotRestorer.restore(bytes)
        #expect(restored == h.store)
        #expect(restored.snapshotBytes() == bytes)

        // The restored replica keeps working: the same next entries give the same results.
        let m = KeyValueStateMachine(store: restored)
        h.advance(ms: 60_000)
        h.run("incr", "counter")
        #expect(m.apply(h.log.last!) == .integer(1))
        #expect(m.store == h.store)
        #expect(m.read([Array("exists".utf8), Array("h".utf8)], now: h.now) == .integer(0))
        #expect(m.read([Array("ttl".utf8), Array("ttl".utf8)], now: h.now) == .integer(40))
    }

    @Test func snapshotStreamsFramedRecordsAndRestoresFromTinyChunks() throws {
        let h = Harness()
        for i in 0..<500 { h.run("set", "key\(i)", String(repeating: "v", count: i % 40)) }
        var chunks: [[UInt8]] = []
        h.store.writeSnapshot { chunks.append($0) }
        let all = chunks.flatMap { $0 }
        var reader = SnapshotReader()
        #expect(try reader.feed(all).count == 500 + 1 /* root tree node */ + 2 /* header, end */)
        var restorer = SnapshotRestorer()
        var i = 0
        while i < all.count {
            try restorer.feed(all[i..<min(i + 7, all.count)])
            i += 7
        }
        #expect(try restorer.finish() == h.store)
    }

    @Test func corruptOrTruncatedSnapshotsAreRejectedWithAnError() {
        let h = Harness()
        h.run("mset", "a", "1", "b", "2")
        let bytes = h.store.snapshotBytes()
        #expect(throws: SnapshotError.self) { try SnapshotRestorer.restore(Array(bytes.dropLast(3))) }
        #expect(throws: SnapshotError.self) { try SnapshotRestorer.restore([0x04, 0x58, 0x58, 0x58, 0x01]) }
        var flipped = bytes
        flipped[6] ^= 0xff
        #expect(throws: SnapshotError.self) { try SnapshotRestorer.restore(flipped) }
        // Every truncation point fails cleanly (no trap).
        for n in 0..<bytes.count {
            #expect(throws: SnapshotError.self) { try SnapshotRestorer.restore(Array(bytes.prefix(n))) }
        }
    }

    @Test func jsonLinesRenderOneKeyPerLine() throws {
        let h = Harness()
        h.now = 1_700_000_000_000
        h.run("set", "s", "a\"b")
        h.run("set", "t", "v", "PXAT", "1700000005000")
        h.run("hset", "h", "f", "1")
        h.run("rpush", "l", "x", "y")
        h.run([Array("set".utf8), Array("bin".utf8), [0xff, 0x41]])
        var reader = SnapshotReader()
        let lines = try reader.feed(h.store.snapshotBytes()).map(\.jsonLine)
        #expect(lines == [
            "{\"snapshot\":\"kv\",\"version\":3,\"clock_ms\":1700000000000,\"keys\":5}",
            "{\"key\":\"bin\",\"type\":\"string\",\"value\":\"\\u00ffA\",\"expires_at_ms\":null}",
            "{\"key\":\"h\",\"type\":\"hash\",\"value\":{\"f\":\"1\"},\"expires_at_ms\":null}",
            "{\"key\":\"l\",\"type\":\"list\",\"value\":[\"x\",\"y\"],\"expires_at_ms\":null}",
            "{\"key\":\"s\",\"type\":\"string\",\"value\":\"a\\\"b\",\"expires_at_ms\":null}",
            "{\"key\":\"t\",\"type\":\"string\",\"value\":\"v\",\"expires_at_ms\":1700000005000}",
            "{\"tree\":\"/\",\"attributes\":{}}",
            "{\"end\":true,\"records\":6}",
        ])
    }
}
