// An order-statistic tree of (score, member) pairs: a treap whose nodes live in one array, so
// the whole tree is a value (copy-on-write like every other stored value: a frozen snapshot
// copy shares it until the live store writes). Insert, remove, rank and "element at rank" are
// O(log n) expected. Order is Redis's: by score, then by member bytes.
//
// Priorities are random: they shape the tree but never its contents or order, so replicas
// with different shapes still answer identically.

struct RankTree: Sendable {
    struct Node: Sendable {
        var member: ByteKey
        var score: Double
        var left = -1, right = -1
        var size = 1
        var priority: UInt64
    }

    private(set) var nodes: [Node] = []
    private var free: [Int] = []
    private var root = -1

    var count: Int { root < 0 ? 0 : nodes[root].size }

    @inline(__always) static func less(_ s1: Double, _ m1: ByteKey, _ s2: Double, _ m2: ByteKey) -> Bool {
        s1 < s2 || (s1 == s2 && m1 < m2)
    }

    @inline(__always) private func size(_ i: Int) -> Int { i < 0 ? 0 : nodes[i].size }

    @inline(__always) private mutating func update(_ i: Int) {
        nodes[i].size = 1 + size(nodes[i].left) + size(nodes[i].right)
    }

    /// Splits `t` into (elements before (score, member), the rest).
    private mutating func split(_ t: Int, _ score: Double, _ member: ByteKey) -> (Int, Int) {
        if t < 0 { return (-1, -1) }
        if Self.less(nodes[t].score, nodes[t].member, score, member) {
            let (a, b) = split(nodes[t].right, score, member)
            nodes[t].right = a
            update(t)
            return (t, b)
        } else {
            let (a, b) = split(nodes[t].left, score, member)
            nodes[t].left = b
            update(t)
            return (a, t)
        }
    }

    /// Splits `t` into its first `k` elements and the rest.
    private mutating func split(_ t: Int, first k: Int) -> (Int, Int) {
        if t < 0 { return (-1, -1) }
        let l = size(nodes[t].left)
        if k <= l {
            let (a, b) = split(nodes[t].left, first: k)
            nodes[t].left = b
            update(t)
            return (a, t)
        } else {
            let (a, b) = split(nodes[t].right, first: k - l - 1)
            nodes[t].right = a
            update(t)
            return (t, b)
        }
    }

    /// Joins two trees where every element of `a` precedes every element of `b`.
    private mutating func merge(_ a: Int, _ b: Int) -> Int {
        if a < 0 { return b }
        if b < 0 { return a }
        if nodes[a].priority > nodes[b].priority {
            nodes[a].right = merge(nodes[a].right, b)
            update(a)
            return a
        } else {
            nodes[b].left = merge(a, nodes[b].left)
            update(b)
            return b
        }
    }

    /// Inserts a pair that is not in the tree.
    mutating func insert(_ member: ByteKey, _ score: Double) {
        let node = Node(member: member, score: score, priority: UInt64.random(in: 0...UInt64.max))
        let i: Int
        if let f = free.popLast() { nodes[f] = node; i = f } else { nodes.append(node); i = nodes.count - 1 }
        let (l, r) = split(root, score, member)
        root = merge(merge(l, i), r)
    }

    /// Removes a pair that is in the tree.
    mutating func remove(_ member: ByteKey, _ score: Double) {
        let (l, r) = split(root, score, member)
        let (m, rest) = split(r, first: 1)
        if m >= 0 {
            nodes[m].member = ByteKey([])  // release the bytes now, not when the slot is reused
            free.append(m)
        }
        root = merge(l, rest)
        if root < 0 { nodes.removeAll(); free.removeAll() }
    }

    /// How many elements come first for which `before` holds; `before` must hold for a
    /// prefix of the order (e.g. "score < min").
    func countPrefix(_ before: (Double, ByteKey) -> Bool) -> Int {
        var i = root, n = 0
        while i >= 0 {
            if before(nodes[i].score, nodes[i].member) {
                n += size(nodes[i].left) + 1
                i = nodes[i].right
            } else {
                i = nodes[i].left
            }
        }
        return n
    }

    /// The 0-based rank of a pair that is in the tree.
    func rank(_ member: ByteKey, _ score: Double) -> Int {
        countPrefix { Self.less($0, $1, score, member) }
    }

    /// The element at 0-based rank `k` (0 <= k < count).
    func element(at k: Int) -> (member: ByteKey, score: Double) {
        var i = root, k = k
        while true {
            let l = size(nodes[i].left)
            if k < l { i = nodes[i].left } else if k == l { return (nodes[i].member, nodes[i].score) } else {
                k -= l + 1
                i = nodes[i].right
            }
        }
    }

    /// Elements of ranks `range`, in order (one descent, then an in-order walk).
    func elements(_ range: Range<Int>) -> [(member: ByteKey, score: Double)] {
        guard !range.isEmpty else { return [] }
        var out: [(member: ByteKey, score: Double)] = []
        out.reserveCapacity(range.count)
        // Stack of ancestors still to visit; start at the node of rank range.lowerBound.
        var stack: [Int] = []
        var i = root, k = range.lowerBound
        while i >= 0 {
            let l = size(nodes[i].left)
            if k < l { stack.append(i); i = nodes[i].left } else if k == l { stack.append(i); break } else {
                k -= l + 1
                i = nodes[i].right
            }
        }
        while out.count < range.count, let top = stack.popLast() {
            out.append((nodes[top].member, nodes[top].score))
            var j = nodes[top].right
            while j >= 0 { stack.append(j); j = nodes[j].left }
        }
        return out
    }
}
