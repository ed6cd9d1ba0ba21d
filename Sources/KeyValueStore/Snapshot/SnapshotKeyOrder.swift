// The byte order of a snapshot's keys, computed fast. Sorting the (key, record) pairs with
// ByteKey's `<` was most of a 632k-key snapshot's time (a profile of a loaded node: 27% of the
// whole process's samples in the merge sort, every comparison two array accesses and a byte
// loop over keys that share a long prefix, such as redis-benchmark's "key:000000123456"). Here
// each key's first 16 bytes become two big-endian integers, and the sort moves plain
// 24-byte values compared as integers; only keys equal in their first 16 bytes look at the
// bytes beyond.

struct SnapshotKeyOrder {
    /// One key's position: its first 16 bytes (zero-padded) as two big-endian words.
    private struct Slot {
        var high: UInt64
        var low: UInt64
        var index: Int
    }

    /// The positions of `keys` in byte (memcmp) order, shorter first where one is a prefix of
    /// the other: the order of ByteKey's `<`.
    static func sortedIndices(_ keys: [ByteKey]) -> [Int] {
        var slots: [Slot] = []
        slots.reserveCapacity(keys.count)
        for (i, k) in keys.enumerated() {
            let (high, low) = prefixWords(k.bytes)
            slots.append(Slot(high: high, low: low, index: i))
        }
        slots.sort { a, b in
            if a.high != b.high { return a.high < b.high }
            if a.low != b.low { return a.low < b.low }
            return keys[a.index] < keys[b.index]
        }
        return slots.map(\.index)
    }

    /// Bytes 0..<8 and 8..<16 of `bytes` as big-endian words, zeros past the end. Equal words
    /// mean equal first 16 bytes, or one key a prefix of the other padded with zero bytes:
    /// either way ByteKey's `<` on the whole keys decides, so the order is exactly its order.
    static func prefixWords(_ bytes: [UInt8]) -> (UInt64, UInt64) {
        bytes.withUnsafeBufferPointer { b in
            var high: UInt64 = 0, low: UInt64 = 0
            let n = Swift.min(b.count, 16)
            var i = 0
            while i < n {
                let byte = UInt64(b[i])
                if i < 8 { high |= byte << (8 * UInt64(7 - i)) } else { low |= byte << (8 * UInt64(15 - i)) }
                i += 1
            }
            return (high, low)
        }
    }
}
