// A min-heap of (deadline, key). Entries go stale when a key's deadline changes or the key is
// deleted; they are checked against the live record when popped (lazy invalidation). The set
// of keys removed by `KeyValueStore.removeExpired(now:)` is "every key whose deadline <= now",
// which does not depend on the heap's internal order, so replicas stay identical.

struct ExpiryQueue {
    private(set) var items: [(deadline: Int64, key: ByteKey)] = []

    var count: Int { items.count }
    var minimum: Int64? { items.first?.deadline }

    mutating func removeAll() { items.removeAll(keepingCapacity: false) }

    /// Visits every entry with deadline <= `limit`, in no order: O(entries visited), as a
    /// subtree whose root is past `limit` holds nothing earlier.
    func forEach(upTo limit: Int64, _ body: (Int64, ByteKey) -> Void) {
        var stack: [Int] = items.isEmpty ? [] : [0]
        while let i = stack.popLast() {
            guard items[i].deadline <= limit else { continue }
            body(items[i].deadline, items[i].key)
            let l = 2 * i + 1
            if l < items.count { stack.append(l) }
            if l + 1 < items.count { stack.append(l + 1) }
        }
    }

    mutating func reserveCapacity(_ n: Int) { items.reserveCapacity(n) }

    mutating func push(_ deadline: Int64, _ key: ByteKey) {
        items.append((deadline, key))
        var i = items.count - 1
        while i > 0 {
            let p = (i - 1) / 2
            if items[p].deadline <= items[i].deadline { break }
            items.swapAt(p, i)
            i = p
        }
    }

    mutating func pop() -> (deadline: Int64, key: ByteKey)? {
        guard !items.isEmpty else { return nil }
        items.swapAt(0, items.count - 1)
        let top = items.removeLast()
        var i = 0
        let n = items.count
        while true {
            let l = 2 * i + 1, r = l + 1
            var m = i
            if l < n && items[l].deadline < items[m].deadline { m = l }
            if r < n && items[r].deadline < items[m].deadline { m = r }
            if m == i { break }
            items.swapAt(i, m)
            i = m
        }
        return top
    }
}
