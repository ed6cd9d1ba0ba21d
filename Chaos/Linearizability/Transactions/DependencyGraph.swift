/// Adya's dependency kinds between committed transactions (Adya 1999, §3.1).
public enum DependencyKind: String, Sendable, CaseIterable {
    /// T1 installed a version of a key and T2 installed the next one.
    case ww
    /// T2 read the version T1 installed.
    case wr
    /// T1 read a version and T2 installed the next one (T1 did not see it): an anti-dependency.
    case rw
    /// T1 completed before T2 began (real-time order: only where the check is strict).
    case rt
}

/// One inferred dependency, with what it was inferred from (for the plain-language proof).
struct Dependency {
    var from: Int32
    var to: Int32
    var kind: DependencyKind
    var key: String
    /// ww: T1's element and T2's next one; wr: the element T2 read last (T1's); rw: the element T2
    /// appended next, and what T1 read.
    var element: Value
    var previous: Value?
    var read: [Value]?
}

/// The transactions' dependency graph: edges per kind, strongly connected components (iterative
/// Tarjan, so a long history cannot overflow the stack) and shortest cycles by breadth-first search.
struct DependencyGraph {
    let count: Int
    private(set) var edges: [Dependency] = []
    /// Outgoing edge indices per node.
    private(set) var out: [[Int32]]
    private var seen = Set<UInt64>()

    init(count: Int) {
        self.count = count
        out = Array(repeating: [], count: count)
    }

    /// Adds the edge unless one of the same kind joins the same pair already.
    mutating func add(_ d: Dependency) {
        guard d.from != d.to else { return }
        let kindBits: UInt64
        switch d.kind {
        case .ww: kindBits = 0
        case .wr: kindBits = 1
        case .rw: kindBits = 2
        case .rt: kindBits = 3
        }
        let id = UInt64(UInt32(bitPattern: d.from)) << 34 | UInt64(UInt32(bitPattern: d.to)) << 2 | kindBits
        guard seen.insert(id).inserted else { return }
        out[Int(d.from)].append(Int32(edges.count))
        edges.append(d)
    }

    /// Strongly connected components with more than one node, using only edges whose kind is in `kinds`.
    func components(kinds: Set<DependencyKind>) -> [[Int32]] {
        var index = [Int32](repeating: -1, count: count)
        var low = [Int32](repeating: 0, count: count)
        var onStack = [Bool](repeating: false, count: count)
        var stack: [Int32] = []
        var result: [[Int32]] = []
        var next: Int32 = 0
        // Explicit call stack: (node, position in its edge list).
        var calls: [(Int32, Int)] = []
        for root in 0..<count where index[root] < 0 {
            calls.append((Int32(root), 0))
            index[root] = next
            low[root] = next
            next += 1
            stack.append(Int32(root))
            onStack[root] = true
            while let (v, pos) = calls.last {
                let vi = Int(v)
                let list = out[vi]
                var p = pos
                var descended = false
                while p < list.count {
                    let e = edges[Int(list[p])]
                    p += 1
                    guard kinds.contains(e.kind) else { continue }
                    let w = Int(e.to)
                    if index[w] < 0 {
                        calls[calls.count - 1].1 = p
                        index[w] = next
                        low[w] = next
                        next += 1
                        stack.append(Int32(w))
                        onStack[w] = true
                        calls.append((Int32(w), 0))
                        descended = true
                        break
                    } else if onStack[w] {
                        low[vi] = min(low[vi], index[w])
                    }
                }
                if descended { continue }
                calls.removeLast()
                if let (parent, _) = calls.last { low[Int(parent)] = min(low[Int(parent)], low[vi]) }
                if low[vi] == index[vi] {
                    var component: [Int32] = []
                    while let w = stack.popLast() {
                        onStack[Int(w)] = false
                        component.append(w)
                        if w == v { break }
                    }
                    if component.count > 1 { result.append(component) }
                }
            }
        }
        return result
    }

    /// The shortest path of edges (indices) from `source` to `target` over edges of `kinds` whose
    /// ends both lie in `within`; nil when there is none.
    func shortestPath(from source: Int32, to target: Int32, kinds: Set<DependencyKind>, within: Set<Int32>) -> [Int32]? {
        if source == target { return [] }
        var via: [Int32: Int32] = [source: -1]
        var frontier = [source]
        while !frontier.isEmpty {
            var following: [Int32] = []
            for v in frontier {
                for ei in out[Int(v)] {
                    let e = edges[Int(ei)]
                    guard kinds.contains(e.kind), within.contains(e.to), via[e.to] == nil else { continue }
                    via[e.to] = ei
                    if e.to == target {
                        var path: [Int32] = []
                        var at = target
                        while at != source {
                            let step = via[at]!
                            path.append(step)
                            at = edges[Int(step)].from
                        }
                        return path.reversed()
                    }
                    following.append(e.to)
                }
            }
            frontier = following
        }
        return nil
    }
}
