// The version-2 snapshot header (key count) next to version-1 snapshots written before it, and
// the store's maintained counts behind INFO's Keyspace line (keys=, expires=).

import struct RaftCore.SplitMix64
import RESP
import Testing
@testable import KeyValueStore

@Suite struct SnapshotCompatibilityTests {
    /// A version-1 snapshot as the previous writer produced it, byte for byte: header
    /// 'KVS' 1 with clock 5 and no key count, string "a"="1", string "t"="2" expiring at 900,
    /// the root tree node, end (3 records).
    static let versionOneBytes: [UInt8] = [
        5, 0x4B, 0x56, 0x53, 1, 5,
        6, 1, 1, 0x61, 0, 1, 0x31,
        8, 1, 1, 0x74, 1, 0x84, 0x07, 1, 0x32,  // 900 = varint 0x84 0x07
        3, 4, 0, 0,
        2, 0xFF, 3,
    ]

    @Test func versionOneSnapshotWithoutKeyCountStillRestores() throws {
        let bytes = Self.versionOneBytes
        let store = try SnapshotRestorer.restore(bytes)
        #expect(store.clock == 5)
        #expect(store.storedCount == 2)
        #expect(store.value("a", now: 5) == .string(Array("1".utf8)))
        #expect(store.record("t", now: 5)?.expiresAt == 900)
        #expect(store.expiringCount == 1)
        var reader = SnapshotReader()
        #expect(try reader.feed(bytes).first == .header(clock: 5, keyCount: nil))
    }

    @Test func newSnapshotsCarryTheKeyCountAndRoundTrip() throws {
        let h = Harness()
        for i in 0..<50 { h.run("set", "k\(i)", "v") }
        h.run("expire", "k3", "100")
        let bytes = h.store.snapshotBytes()
        var reader = SnapshotReader()
        #expect(try reader.feed(bytes).first == .header(clock: h.store.clock, keyCount: 50))
        let restored = try SnapshotRestorer.restore(bytes)
        #expect(restored == h.store)
        #expect(restored.expiringCount == 1)
        // A version-1 rendering of the same state (no key count) restores to the same store.
        var v1: [UInt8] = SnapshotRecord.header(clock: h.store.clock, keyCount: nil).framed()
        var r2 = SnapshotReader()
        for rec in try r2.feed(bytes).dropFirst() { v1 += rec.framed() }
        #expect(v1.count == bytes.count - 1)
        #expect(try SnapshotRestorer.restore(v1) == h.store)
    }

    @Test func aKeyCountThatDisagreesWithTheRecordsIsRejected() {
        let frames: [SnapshotRecord] = [
            .header(clock: 1, keyCount: 2),
            .key("a", Record(value: .string([1]))),
            .end(recordCount: 1),
        ]
        #expect(throws: SnapshotError.self) { try SnapshotRestorer.restore(frames.flatMap { $0.framed() }) }
    }

    @Test func aHugeKeyCountIsRejectedWithoutReservingMemoryForIt() {
        let frames: [SnapshotRecord] = [.header(clock: 1, keyCount: UInt64(1) << 62), .end(recordCount: 0)]
        #expect(throws: SnapshotError.self) { try SnapshotRestorer.restore(frames.flatMap { $0.framed() }) }
    }

    @Test func aRepeatedKeyIsRejected() {
        let frames: [SnapshotRecord] = [
            .header(clock: 1, keyCount: nil),
            .key("a", Record(value: .string([1]))),
            .key("a", Record(value: .string([2]))),
            .end(recordCount: 2),
        ]
        #expect(throws: SnapshotError.self) { try SnapshotRestorer.restore(frames.flatMap { $0.framed() }) }
    }
}

@Suite struct KeyspaceCountTests {
    /// The counts computed the slow way, as the oracle.
    func scanned(_ s: KeyValueStore, now: Int64) -> (live: Int, expiring: Int, withDeadline: Int) {
        var live = 0, expiring = 0, withDeadline = 0
        for (_, r) in s.records {
            if r.expiresAt != nil { withDeadline += 1 }
            if KeyValueStore.isLive(r, now: now) {
                live += 1
                if r.expiresAt != nil { expiring += 1 }
            }
        }
        return (live, expiring, withDeadline)
    }

    @Test func expiringCountFollowsSetExpirePersistOverwriteAndDelete() {
        let h = Harness()
        h.run("set", "a", "1", "EX", "10")
        h.run("set", "b", "1")
        h.run("setex", "c", "20", "1")
        #expect(h.store.expiringCount == 2)
        h.run("expire", "b", "30")
        #expect(h.store.expiringCount == 3)
        h.run("persist", "b")
        #expect(h.store.expiringCount == 2)
        h.run("set", "a", "2")  // a plain SET clears the deadline
        #expect(h.store.expiringCount == 1)
        h.run("set", "c", "2", "KEEPTTL")
        #expect(h.store.expiringCount == 1)
        h.run("del", "c")
        #expect(h.store.expiringCount == 0)
        #expect(h.store.liveCount(now: h.now) == 2)
    }

    @Test func liveCountsLeaveOutExpiredKeysBeforeTheSweep() {
        let h = Harness()
        for i in 0..<10 { h.run("set", "k\(i)", "v", "PX", "\(1000 * (i + 1))") }
        h.run("set", "forever", "v")
        // A reader 3.5 s later: three keys have expired but no write has swept them yet.
        let later = h.now + 3_500
        #expect(h.store.storedCount == 11)
        #expect(h.store.liveCount(now: later) == 8)
        #expect(h.store.liveExpiringCount(now: later) == 7)
        // Re-setting a deadline leaves a stale heap entry; it must not be counted.
        h.run("pexpire", "k9", "1")
        #expect(h.store.liveCount(now: h.now + 2) == 10)
        #expect(h.store.liveExpiringCount(now: h.now + 2) == 9)
        h.advance(ms: 3_500)
        h.run("set", "sweep", "v")  // a write sweeps at the entry's time: k0, k1, k2 and k9 go
        #expect(h.store.storedCount == 8)
        #expect(h.store.expiringCount == 6)
        #expect(h.store.frozenCopy().expiringCount == 6)
    }

    @Test func countsMatchAScanAfterEveryStepOfARandomWorkload() {
        let h = Harness()
        var rng = SplitMix64(seed: 42)  // RaftCore's: a failure replays exactly
        let commands: [(Int) -> [String]] = [
            { ["set", "k\($0)", "v"] },
            { ["set", "k\($0)", "v", "PX", "\(1 + $0 * 37 % 900)"] },
            { ["set", "k\($0)", "w", "KEEPTTL"] },
            { ["pexpire", "k\($0)", "\(1 + $0 * 13 % 700)"] },
            { ["persist", "k\($0)"] },
            { ["del", "k\($0)"] },
            { ["getdel", "k\($0)"] },
            { ["getex", "k\($0)", "PX", "50"] },
            { ["rename", "k\($0)", "k\($0 + 1)"] },
            { ["copy", "k\($0)", "k\($0 + 2)"] },
            { ["hset", "k\($0)", "f", "1"] },
            { ["lpop", "k\($0)"] },
        ]
        for step in 0..<3_000 {
            let c = commands[Int(rng.next() % UInt64(commands.count))](Int(rng.next() % 40))
            h.run(c.map { Array($0.utf8) })
            if step % 7 == 0 { h.advance(ms: Int64(rng.next() % 60)) }
            if step % 500 == 499 { h.run("flushall") }
            let later = h.now + Int64(rng.next() % 300)
            let s = scanned(h.store, now: later)
            #expect(h.store.expiringCount == s.withDeadline, "step \(step): \(c)")
            #expect(h.store.liveCount(now: later) == s.live, "step \(step): \(c)")
            #expect(h.store.liveExpiringCount(now: later) == s.expiring, "step \(step): \(c)")
        }
    }
}

