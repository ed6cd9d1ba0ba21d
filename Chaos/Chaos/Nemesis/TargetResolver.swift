import RaftCore

/// Turns a target such as `leader` or `minority` into node ids, at the moment a fault starts.
/// Random picks come from the schedule entry's own number, so they repeat with the seed.
struct TargetResolver {
    let ids: [String]
    let leader: String?
    var random: SplitMix64

    init(ids: [String], leader: String?, choice: UInt64) {
        self.ids = ids.sorted()
        self.leader = leader
        self.random = SplitMix64(seed: choice)
    }

    mutating func shuffled(_ xs: [String]) -> [String] {
        var a = xs
        if a.count < 2 { return a }
        for i in stride(from: a.count - 1, to: 0, by: -1) { a.swapAt(i, random.below(i + 1)) }
        return a
    }

    /// The ids, and a note when the target had to be approximated (no leader known).
    mutating func resolve(_ target: FaultSpec.Target) -> (ids: [String], note: String?) {
        let n = ids.count
        switch target {
        case .all: return (ids, nil)
        case .leader:
            if let leader { return ([leader], nil) }
            return ([shuffled(ids)[0]], "no leader known; chose at random")
        case .follower:
            let followers = ids.filter { $0 != leader }
            return ([shuffled(followers.isEmpty ? ids : followers)[0]], nil)
        case .one: return ([shuffled(ids)[0]], nil)
        case .minority: return (Array(shuffled(ids).prefix(max(1, (n - 1) / 2))).sorted(), nil)
        case .majority: return (Array(shuffled(ids).prefix(n / 2 + 1)).sorted(), nil)
        }
    }
}
