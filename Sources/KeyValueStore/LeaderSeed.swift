// Randomness for write commands whose result is random (SPOP, ZRANDMEMBER's writing cousins):
// every replica must pick the same elements, so the leader draws a seed when it prepares the
// command and the log entry carries it as its last argument, `#seed=N`. The handler draws
// from a generator seeded with it, and picks among elements in an order that does not depend
// on the process (Swift's Set and Dictionary orders are seeded per process).

enum LeaderSeed {
    static let prefix: [UInt8] = Array("#seed=".utf8)

    /// The preparer's part: appends a freshly drawn seed.
    static func append(to a: inout [[UInt8]]) {
        a.append(prefix + Array(String(UInt64.random(in: 0...UInt64.max)).utf8))
    }

    /// Splits a logged argument vector into the client's arguments and the seed. An entry
    /// without one (written by something other than the preparer) gets a seed derived from its
    /// own bytes and the replicated clock: still identical on every replica.
    static func split(_ args: [[UInt8]], clock: Int64) -> (args: [[UInt8]], seed: UInt64) {
        if let last = args.last, last.count > prefix.count, last.starts(with: prefix),
           let n = UInt64(String(decoding: last.dropFirst(prefix.count), as: UTF8.self)) {
            return (Array(args.dropLast()), n)
        }
        var h = UInt64(bitPattern: clock)
        for a in args { h = SeededRandom.mix(h ^ stableHash(a)) }
        return (args, h)
    }
}

/// SplitMix64: small, fast and the same on every platform and Swift version (the standard
/// library's `random(in:using:)` algorithms are not promised to stay fixed).
struct SeededRandom {
    private var state: UInt64
    init(seed: UInt64) { state = seed }

    static func mix(_ z0: UInt64) -> UInt64 {
        var z = z0
        z = (z ^ (z >> 30)) &* 0xbf58_476d_1ce4_e5b9
        z = (z ^ (z >> 27)) &* 0x94d0_49bb_1331_11eb
        return z ^ (z >> 31)
    }

    mutating func next() -> UInt64 {
        state &+= 0x9e37_79b9_7f4a_7c15
        return Self.mix(state)
    }

    /// A value in 0..<n (n > 0).
    mutating func below(_ n: Int) -> Int { Int(next() % UInt64(n)) }

    /// `k` distinct elements of `items` chosen by `seed`, independent of the items' order:
    /// each element is ranked by a hash of its bytes mixed with the seed.
    static func pick(_ k: Int, of items: some Collection<ByteKey>, seed: UInt64) -> [ByteKey] {
        var ranked = items.map { (rank: mix(stableHash($0.bytes) ^ seed), key: $0) }
        if k == 1, let best = ranked.min(by: { $0.rank != $1.rank ? $0.rank < $1.rank : $0.key < $1.key }) {
            return [best.key]
        }
        ranked.sort { $0.rank != $1.rank ? $0.rank < $1.rank : $0.key < $1.key }
        return ranked.prefix(k).map(\.key)
    }
}
