// What WATCH remembers of a key: a 64-bit digest of everything a client can observe about it
// (type, value, deadline), or 0 when the key does not exist. EXEC's entry carries the digests
// the client's WATCH saw; at apply every replica recomputes them from its own state, which is
// the same at that log position on every replica, so every replica takes the same decision.
//
// A digest, not a per-key modification counter: it needs no extra state in the store, in
// snapshots or on the write path. The difference from Redis (docs/ARCHITECTURE.md,
// "Transactions"): a key changed and then changed back to exactly what WATCH saw (A -> B -> A)
// does not abort EXEC here, where Redis would; the transaction still commits only if every
// watched key holds what the client read, which is what an optimistic read-modify-write needs.
// It costs O(size of the value) per watched key at WATCH and at EXEC's apply.

enum KeyFingerprint {
    static let absent: UInt64 = 0

    static func of(_ record: Record?) -> UInt64 {
        guard let r = record else { return absent }
        var h = SeededRandom.mix(UInt64(bitPattern: r.expiresAt ?? -1))
        switch r.value {
        case .string(let s):
            h = combine(h, 1, stableHash(s))
        case .list(let l):
            h = combine(h, 2, UInt64(l.count))
            for e in l { h = SeededRandom.mix(h ^ stableHash(e)) }  // ordered
        case .hash(let fields):
            var sum: UInt64 = 0  // unordered: a sum of mixed per-field digests
            for (f, v) in fields { sum &+= SeededRandom.mix(stableHash(f.bytes) &+ 31 &* stableHash(v)) }
            h = combine(h, 3, sum &+ UInt64(fields.count))
        case .set(let members):
            var sum: UInt64 = 0
            for m in members { sum &+= SeededRandom.mix(stableHash(m.bytes)) }
            h = combine(h, 4, sum &+ UInt64(members.count))
        case .zset(let z):
            h = combine(h, 5, UInt64(z.count))
            for (m, score) in z.all { h = SeededRandom.mix(h ^ stableHash(m.bytes) ^ score.bitPattern) }
        }
        return h == absent ? 1 : h
    }

    private static func combine(_ h: UInt64, _ tag: UInt64, _ v: UInt64) -> UInt64 {
        SeededRandom.mix(h ^ SeededRandom.mix(tag ^ v))
    }
}
