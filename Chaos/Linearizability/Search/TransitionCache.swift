/// The transitions already computed, keyed by (state, operation): open addressing over flat arrays,
/// so memory grows with the pairs the search visits rather than states × operations.
struct TransitionCache {
    private var keys: [UInt64]
    private var values: [Int32]
    private var mask: Int
    private(set) var count = 0
    static let absent: Int32 = -2

    init(capacity: Int = 256) {
        var cap = 16
        while cap < capacity { cap <<= 1 }
        keys = Array(repeating: .max, count: cap)
        values = Array(repeating: 0, count: cap)
        mask = cap - 1
    }

    /// An empty cache to park in a field (see `MemoTable.placeholder`).
    static let placeholder = TransitionCache(capacity: 1)

    var memoryBytes: Int { keys.count * 12 }

    @inline(__always) private static func key(_ state: Int32, _ op: Int32) -> UInt64 {
        UInt64(UInt32(bitPattern: state)) << 32 | UInt64(UInt32(bitPattern: op))
    }

    @inline(__always) private func slot(_ k: UInt64) -> Int {
        Int(truncatingIfNeeded: (k &* 0x9E37_79B9_7F4A_7C15) >> 32) & mask
    }

    /// The cached next state (-1: illegal), or `absent`.
    @inline(__always) func lookup(_ state: Int32, _ op: Int32) -> Int32 {
        let k = Self.key(state, op)
        var i = slot(k)
        while true {
            let stored = keys[i]
            if stored == k { return values[i] }
            if stored == .max { return Self.absent }
            i = (i + 1) & mask
        }
    }

    mutating func store(_ state: Int32, _ op: Int32, _ next: Int32) {
        if (count + 1) * 2 > keys.count { grow() }
        let k = Self.key(state, op)
        var i = slot(k)
        while keys[i] != .max && keys[i] != k { i = (i + 1) & mask }
        if keys[i] != k { count += 1 }
        keys[i] = k
        values[i] = next
    }

    private mutating func grow() {
        let oldKeys = keys, oldValues = values
        keys = Array(repeating: .max, count: oldKeys.count * 2)
        values = Array(repeating: 0, count: oldKeys.count * 2)
        mask = keys.count - 1
        for (i, k) in oldKeys.enumerated() where k != .max {
            var j = slot(k)
            while keys[j] != .max { j = (j + 1) & mask }
            keys[j] = k
            values[j] = oldValues[i]
        }
    }
}
