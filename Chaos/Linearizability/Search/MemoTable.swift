/// Lowe's memoisation (Lowe 2017, "Testing for linearizability", §4): the set of
/// (linearized operations, model state) configurations already explored. Reaching one again
/// cannot lead anywhere new, so the search backtracks.
///
/// Open addressing over flat arrays: the bitset words of every configuration live in one arena,
/// and the configuration's hash (kept incrementally by the search) is stored beside it, so a
/// lookup touches the bitset only on a full hash match.
struct MemoTable {
    let words: Int
    private var arena: [UInt64] = []
    private var states: [Int32] = []
    private var hashes: [UInt64] = []
    private var slots: [Int32]
    private var mask: Int
    private(set) var count = 0

    init(words: Int, initialCapacity: Int = 1024) {
        self.words = words
        var cap = 16
        while cap < initialCapacity { cap <<= 1 }
        slots = Array(repeating: 0, count: cap)
        mask = cap - 1
    }

    /// An empty table that a search parks in its field while it works on a local copy (or once
    /// decided): shared storage, so parking allocates nothing.
    static let placeholder = MemoTable(words: 1, initialCapacity: 16)

    /// Bytes held, for the memory budget.
    var memoryBytes: Int { arena.capacity * 8 + states.capacity * 4 + hashes.capacity * 8 + slots.count * 4 }

    /// Inserts the configuration; false when it was already there.
    @inline(__always)
    mutating func insert(hash: UInt64, bits: [UInt64], state: Int32) -> Bool {
        var i = Int(truncatingIfNeeded: hash ^ (hash >> 31)) & mask
        while true {
            let s = slots[i]
            if s == 0 { break }
            let idx = Int(s) - 1
            if hashes[idx] == hash && states[idx] == state {
                var equal = true
                let base = idx * words
                for w in 0..<words where arena[base + w] != bits[w] {
                    equal = false
                    break
                }
                if equal { return false }
            }
            i = (i + 1) & mask
        }
        count += 1
        slots[i] = Int32(count)
        hashes.append(hash)
        states.append(state)
        arena.append(contentsOf: bits)
        if count * 2 > slots.count { grow() }
        return true
    }

    private mutating func grow() {
        let cap = slots.count * 2
        slots = Array(repeating: 0, count: cap)
        mask = cap - 1
        for idx in 0..<count {
            let h = hashes[idx]
            var i = Int(truncatingIfNeeded: h ^ (h >> 31)) & mask
            while slots[i] != 0 { i = (i + 1) & mask }
            slots[i] = Int32(idx + 1)
        }
    }
}
