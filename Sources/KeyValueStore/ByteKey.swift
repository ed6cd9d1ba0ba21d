// Keys and hash fields are binary-safe byte strings. Swift's own `[UInt8]` hashing feeds the
// hasher one element at a time; this wrapper hashes the whole buffer in one call, which is the
// difference that matters on the hot path of every command.

public struct ByteKey: Hashable, Sendable, Comparable {
    public var bytes: [UInt8]

    @inlinable public init(_ bytes: [UInt8]) { self.bytes = bytes }

    @inlinable public func hash(into hasher: inout Hasher) {
        bytes.withUnsafeBytes { hasher.combine(bytes: $0) }
    }

    @inlinable public static func == (a: ByteKey, b: ByteKey) -> Bool { a.bytes == b.bytes }

    /// Byte-wise (memcmp) order, the order Redis uses for binary strings.
    /// (A pointer loop: the generic `lexicographicallyPrecedes` dominated snapshot sorting.)
    public static func < (a: ByteKey, b: ByteKey) -> Bool {
        a.bytes.withUnsafeBufferPointer { x in
            b.bytes.withUnsafeBufferPointer { y in
                let n = Swift.min(x.count, y.count)
                var i = 0
                while i < n {
                    let p = x[i], q = y[i]
                    if p != q { return p < q }
                    i += 1
                }
                return x.count < y.count
            }
        }
    }
}

extension ByteKey: ExpressibleByStringLiteral {
    public init(stringLiteral value: String) { self.bytes = Array(value.utf8) }
}

/// A stable 64-bit hash (FNV-1a), identical in every process. SCAN cursors are positions in
/// this hash space, so a cursor stays meaningful across calls and across keyspace growth.
@inlinable func stableHash(_ bytes: [UInt8]) -> UInt64 {
    var h: UInt64 = 0xcbf2_9ce4_8422_2325
    for b in bytes {
        h ^= UInt64(b)
        h = h &* 0x0000_0100_0000_01b3
    }
    return h == 0 ? 1 : h  // 0 is reserved for "start of iteration"
}
