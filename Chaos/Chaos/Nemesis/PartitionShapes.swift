/// Partitions as sets of directed links to cut (a grudge, in Jepsen's word): the relay then
/// discards every frame on those links. Each shape also says, for people, who sees whom.
enum PartitionShapes {
    struct Cut {
        var links: Set<DirectedLink>
        var targets: [String]
        var description: String
    }

    /// Cuts every link between the two groups, both ways.
    static func between(_ a: [String], _ b: [String]) -> Set<DirectedLink> {
        var s: Set<DirectedLink> = []
        for x in a { for y in b where x != y { s.insert(DirectedLink(from: x, to: y)); s.insert(DirectedLink(from: y, to: x)) } }
        return s
    }

    static func cut(_ shape: FaultSpec.Partition, resolver: inout TargetResolver) -> Cut {
        let ids = resolver.ids
        switch shape {
        case .leader, .one:
            let (t, note) = resolver.resolve(shape == .leader ? .leader : .one)
            let others = ids.filter { !t.contains($0) }
            return Cut(links: between(t, others), targets: t,
                       description: "isolate \(shape == .leader ? "leader " : "")\(t[0]) from \(others.joined(separator: " "))" + (note.map { " (\($0))" } ?? ""))
        case .halves:
            let order = resolver.shuffled(ids)
            let small = Array(order.prefix(ids.count / 2)).sorted(), big = Array(order.dropFirst(ids.count / 2)).sorted()
            return Cut(links: between(small, big), targets: small, description: "halves \(small.joined(separator: " ")) | \(big.joined(separator: " "))")
        case .bridge:
            let order = resolver.shuffled(ids)
            guard ids.count >= 3 else { return cut(.one, resolver: &resolver) }
            let bridge = order[0]
            let rest = Array(order.dropFirst())
            let left = Array(rest.prefix(rest.count / 2)).sorted(), right = Array(rest.dropFirst(rest.count / 2)).sorted()
            return Cut(links: between(left, right), targets: [bridge],
                       description: "bridge \(bridge) between \(left.joined(separator: " ")) | \(right.joined(separator: " "))")
        case .majorityRing:
            guard ids.count >= 4 else { return cut(.one, resolver: &resolver) }
            let ring = resolver.shuffled(ids)
            let n = ring.count
            let majority = n / 2 + 1
            // Each node keeps its ring neighbours up to distance d: itself plus 2d nodes, at least
            // a majority, and no two nodes keep the same set.
            let d = (majority - 1 + 1) / 2
            var links: Set<DirectedLink> = []
            for i in 0..<n {
                for j in 0..<n where i != j {
                    let dist = min((i - j + n) % n, (j - i + n) % n)
                    if dist > d { links.insert(DirectedLink(from: ring[i], to: ring[j])) }
                }
            }
            return Cut(links: links, targets: ring, description: "majority ring \(ring.joined(separator: "-")) (each sees its \(d) nearest on each side)")
        case .leaderCannotSend, .leaderCannotHear:
            let (t, note) = resolver.resolve(.leader)
            let l = t[0]
            let others = ids.filter { $0 != l }
            let outbound = shape == .leaderCannotSend
            let links = Set(others.map { outbound ? DirectedLink(from: l, to: $0) : DirectedLink(from: $0, to: l) })
            return Cut(links: links, targets: [l],
                       description: "one-way: leader \(l) \(outbound ? "cannot send to" : "cannot hear from") \(others.joined(separator: " "))" + (note.map { " (\($0))" } ?? ""))
        }
    }
}
