// Sets and sorted sets in snapshots (format version 3), older versions still read, and replicas
// that restored a snapshot midway agreeing with ones that never did.

import RESP
import Testing
import struct RaftCore.SplitMix64
@testable import KeyValueStore

@Suite struct CollectionSnapshotTests {
    @Test func setsAndSortedSetsSurviveARoundTripWithTheirDeadlines() throws {
        let h = Harness()
        h.run("sadd", "s", "b", "a", "c")
        h.run("zadd", "z", "1.5", "x", "-inf", "y", "2", "w")
        h.run("pexpire", "z", "60000")
        let bytes = h.store.snapshotBytes()
        #expect(Array(bytes[1...4]) == Array("KVS".utf8) + [3])
        let restored = try SnapshotRestorer.restore(bytes)
        #expect(restored == h.store)
        #expect(restored.snapshotBytes() == bytes)
        let m = KeyValueStateMachine(store: restored)
        #expect(m.read([Array("zrange".utf8), Array("z".utf8), Array("0".utf8), Array("-1".utf8)], now: h.now) == bulks("y", "x", "w"))
        #expect(m.read([Array("pttl".utf8), Array("z".utf8)], now: h.now) == .integer(60000))
    }

    @Test func jsonLinesShowSetsInByteOrderAndSortedSetsInScoreOrder() throws {
        let h = Harness()
        h.run("sadd", "s", "b", "a")
        h.run("zadd", "z", "2", "a", "inf", "b", "0.5", "c")
        var reader = SnapshotReader()
        let lines = try reader.feed(h.store.snapshotBytes()).map(\.jsonLine)
        #expect(lines.contains("{\"key\":\"s\",\"type\":\"set\",\"value\":[\"a\",\"b\"],\"expires_at_ms\":null}"))
        #expect(lines.contains("{\"key\":\"z\",\"type\":\"zset\",\"value\":[[\"c\",\"0.5\"],[\"a\",\"2\"],[\"b\",\"inf\"]],\"expires_at_ms\":null}"))
    }

    /// A version-2 snapshot as the previous writer produced it, byte for byte: header 'KVS' 2,
    /// clock 5, one key; string "a" = "1"; end with one record.
    @Test func versionTwoSnapshotStillRestores() throws {
        let bytes: [UInt8] = [6, 0x4B, 0x56, 0x53, 2, 5, 1,
                              6, 1, 1, 0x61, 0, 1, 0x31,
                              2, 0xFF, 1]
        let store = try SnapshotRestorer.restore(bytes)
        #expect(store.clock == 5)
        #expect(store.value("a", now: 5) == .string(Array("1".utf8)))
    }

    @Test func corruptCollectionRecordsAreRejected() {
        // A set repeating a member, and a sorted set with a NaN score.
        let repeated: [UInt8] = [6, 0x4B, 0x56, 0x53, 3, 0, 1,
                                 9, 5, 1, 0x73, 0, 2, 1, 0x61, 1, 0x61,
                                 2, 0xFF, 1]
        #expect(throws: SnapshotError.self) { try SnapshotRestorer.restore(repeated) }
        var nan: [UInt8] = [6, 0x4B, 0x56, 0x53, 3, 0, 1]
        var record: [UInt8] = [6, 1, 0x7A, 0, 1, 1, 0x6D]
        withUnsafeBytes(of: Double.nan.bitPattern.littleEndian) { record.append(contentsOf: $0) }
        nan.append(UInt8(record.count)); nan += record
        nan += [2, 0xFF, 1]
        #expect(throws: SnapshotError.self) { try SnapshotRestorer.restore(nan) }
    }

    /// Random writes over every type; one replica is rebuilt from its own snapshot halfway.
    /// Both end in the same state as the leader, and write the same snapshot bytes.
    @Test(arguments: [1, 2, 3, 4])
    func replicasAgreeWhenOneRestoresASnapshotMidway(seed: UInt64) throws {
        var rng = SplitMix64(seed: seed)
        let leader = Harness()
        func r(_ n: UInt64) -> Int { Int(rng.next() % n) }
        let commands: [() -> [String]] = [
            { ["sadd", "s\(r(3))", "m\(r(20))", "m\(r(20))"] },
            { ["srem", "s\(r(3))", "m\(r(20))"] },
            { ["spop", "s\(r(3))", "\(r(3))"] },
            { ["smove", "s\(r(3))", "s\(r(3))", "m\(r(20))"] },
            { ["sinterstore", "s\(r(3))", "s\(r(3))", "s\(r(3))"] },
            { ["zadd", "z\(r(3))", "\(r(50))", "m\(r(20))", "\(Double(r(100)) / 8)", "m\(r(20))"] },
            { ["zincrby", "z\(r(3))", "\(r(9))", "m\(r(20))"] },
            { ["zrem", "z\(r(3))", "m\(r(20))"] },
            { ["zpopmin", "z\(r(3))", "\(r(3))"] },
            { ["zremrangebyrank", "z\(r(3))", "0", "\(r(3))"] },
            { ["zunionstore", "z\(r(3))", "2", "z\(r(3))", "s\(r(3))"] },
            { ["zrangestore", "z\(r(3))", "z\(r(3))", "0", "\(r(10))"] },
            { ["rpush", "l\(r(2))", "v\(r(9))"] },
            { ["hset", "h\(r(2))", "f\(r(5))", "v\(r(9))"] },
            { ["set", "k\(r(3))", "v\(r(9))", "PX", "\(1 + r(400))"] },
            { ["pexpire", "z\(r(3))", "\(1 + r(400))"] },
            { ["del", ["s", "z", "l", "h", "k"][r(5)] + "\(r(3))"] },
        ]
        for _ in 0..<300 {
            leader.run(commands[r(UInt64(commands.count))]().map { Array($0.utf8) })
            leader.advance(ms: Int64(r(20)))
        }
        let plain = KeyValueStateMachine()
        var restarted = KeyValueStateMachine()
        for (i, e) in leader.log.enumerated() {
            _ = plain.apply(e)
            _ = restarted.apply(e)
            if i == leader.log.count / 2 {
                let fresh = KeyValueStateMachine()
                try fresh.restore(restarted.snapshotBytes())
                restarted = fresh
            }
        }
        #expect(plain.store == leader.store)
        #expect(restarted.store == leader.store)
        #expect(restarted.snapshotBytes() == leader.store.snapshotBytes())
    }
}
