// The snapshot writer hands its sink chunks of whole records rather than one record per call,
// and orders keys by integer prefixes: the bytes must be exactly the record-by-record encoding
// in ByteKey order, for every value type, whatever the number of chunks.

import RESP
import Testing
import struct RaftCore.SplitMix64
@testable import KeyValueStore

@Suite struct ChunkedSnapshotWriterTests {
    /// Every value type, with and without deadlines, a tree, and enough 100-byte strings that
    /// the stream spans several chunks.
    func loaded() -> Harness {
        let h = Harness()
        let value = String(repeating: "v", count: 100)
        for i in 0..<3_000 { h.run("set", "key:\(i)", value) }
        h.run("set", "bin", "\u{0}\u{1}\u{ff}")
        h.run("set", "soon", "x", "px", "60000")
        h.run("hset", "h", "f2", "2", "f1", "1")
        h.run("rpush", "l", "a", "b", "c")
        h.run("lpush", "l", "z")
        h.run("pexpire", "l", "90000")
        h.run("sadd", "s", "m2", "m1", "m3")
        h.run("zadd", "z", "2.5", "b", "-inf", "a", "1e300", "c")
        h.run("tmk", "a")
        h.run("tmk", "a/b", "x", "1", "y", "2")
        return h
    }

    @Test func chunksConcatenateToTheRecordByRecordEncoding() throws {
        let h = loaded()
        var chunks: [[UInt8]] = []
        h.store.writeSnapshot { chunks.append($0) }
        #expect(chunks.count > 1, "3,000 keys of 100 bytes span more than one chunk")
        for c in chunks.dropLast() { #expect(c.count >= KeyValueStore.snapshotChunkBytes) }
        let bytes = chunks.flatMap { $0 }
        var reader = SnapshotReader()
        let records = try reader.feed(bytes)
        let trees = records.filter { if case .treeNode = $0 { true } else { false } }.count
        #expect(trees >= 2, "the tree's nodes a and a/b")
        #expect(records.count == 1 + 3_006 + trees + 1, "header, the keys, the tree, end")
        #expect(records.flatMap { $0.framed() } == bytes)
        let keys = records.compactMap { if case .key(let k, _) = $0 { k } else { nil } }
        #expect(keys == keys.sorted(by: <), "keys in byte order")
        #expect(records.first == .header(clock: h.store.clock, keyCount: 3_006))
        #expect(records.last == .end(recordCount: UInt64(3_006 + trees)))
    }

    @Test func eachChunkEndsOnARecordBoundary() throws {
        let h = loaded()
        var chunks: [[UInt8]] = []
        h.store.writeSnapshot { chunks.append($0) }
        // Fed chunk by chunk, the records each chunk completes fill it exactly.
        var reader = SnapshotReader()
        var seen = 0
        for c in chunks {
            let completed = try reader.feed(c)
            #expect(completed.reduce(0) { $0 + $1.framed().count } == c.count, "a chunk left part of a record for the next one")
            seen += completed.count
        }
        #expect(reader.finished)
        #expect(seen > 3_006 + 2)
    }

    @Test func everyValueTypeRoundTripsThroughTheChunks() throws {
        let h = loaded()
        var chunks: [[UInt8]] = []
        h.store.writeSnapshot { chunks.append($0) }
        let restored = try SnapshotRestorer.restore(chunks.flatMap { $0 })
        #expect(restored == h.store)
        #expect(restored.snapshotBytes() == h.store.snapshotBytes())
        let m = KeyValueStateMachine(store: restored)
        func read(_ words: String...) -> RESPValue { m.read(words.map { Array($0.utf8) }, now: h.now) }
        #expect(read("get", "key:2999") == bulk(String(repeating: "v", count: 100)))
        #expect(read("get", "bin") == .bulkString([0, 1, 0xC3, 0xBF]))
        #expect(read("pttl", "soon") == .integer(60000))
        #expect(read("hget", "h", "f1") == bulk("1"))
        #expect(read("lrange", "l", "0", "-1") == bulks("z", "a", "b", "c"))
        #expect(read("pttl", "l") == .integer(90000))
        #expect(restored.value("s", now: h.now) == .set(Set(["m1", "m2", "m3"].map { ByteKey(Array($0.utf8)) })))
        #expect(read("zrange", "z", "0", "-1") == bulks("a", "b", "c"))
        #expect(read("dbsize") == .integer(3_006))
    }

    @Test func aFailingSinkStopsTheWriterWithItsError() {
        struct Full: Error, Equatable {}
        let h = loaded()
        var calls = 0
        #expect(throws: Full.self) {
            try h.store.writeSnapshot { (_: [UInt8]) throws(Full) in
                calls += 1
                if calls == 2 { throw Full() }
            }
        }
        #expect(calls == 2)
    }
}

@Suite struct SnapshotKeyOrderTests {
    /// Keys built to hit every tie: empty, zero bytes at the end (equal padded words), shared
    /// prefixes of 16 bytes and more, bytes above 0x7F, one key a prefix of another.
    func awkwardKeys() -> [ByteKey] {
        var keys: [ByteKey] = [ByteKey([]), ByteKey([0]), ByteKey([0, 0]), ByteKey([0xFF]), ByteKey([0x80, 1])]
        let shared = Array("key:000000000000".utf8)  // exactly 16 bytes
        keys += [ByteKey(shared), ByteKey(shared + [0]), ByteKey(shared + [1]), ByteKey(shared + [0, 0xFF]), ByteKey(shared + Array("tail".utf8))]
        keys += [ByteKey(Array(shared.prefix(15))), ByteKey(Array(shared.prefix(15)) + [0]), ByteKey(Array(shared.prefix(8)))]
        var rng = SplitMix64(seed: 42)
        for _ in 0..<2_000 {
            let length = Int(rng.next() % 24)
            var bytes: [UInt8] = []
            for j in 0..<length {
                // Mostly a common prefix, so that many keys tie on their first words.
                bytes.append(j < 12 && rng.next() % 4 != 0 ? shared[j] : UInt8(truncatingIfNeeded: rng.next() % 3 == 0 ? 0 : rng.next()))
            }
            keys.append(ByteKey(bytes))
        }
        return keys
    }

    @Test func ordersKeysExactlyAsByteKeyComparisonDoes() {
        let keys = awkwardKeys()
        let order = SnapshotKeyOrder.sortedIndices(keys)
        #expect(Set(order) == Set(keys.indices), "a permutation of the keys")
        #expect(order.map { keys[$0] } == keys.sorted(by: <))
    }

    @Test func prefixWordsAreBigEndianAndZeroPadded() {
        let (high, low) = SnapshotKeyOrder.prefixWords([1, 2, 3, 4, 5, 6, 7, 8, 9])
        #expect(high == 0x0102_0304_0506_0708)
        #expect(low == 0x0900_0000_0000_0000)
        let (emptyHigh, emptyLow) = SnapshotKeyOrder.prefixWords([])
        #expect(emptyHigh == 0 && emptyLow == 0)
    }
}
