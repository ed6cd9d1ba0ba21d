// Majority arithmetic over the voters of one configuration (§5.2, §5.4; learners never count).

enum VoteResult { case pending, won, lost }

enum Quorum {
    static func majority(_ voterCount: Int) -> Int { voterCount / 2 + 1 }

    /// The highest index replicated on a majority of voters, given each voter's match.
    static func committedIndex(_ matches: [LogIndex]) -> LogIndex {
        guard !matches.isEmpty else { return .zero }
        let sorted = matches.sorted(by: >)
        return sorted[majority(matches.count) - 1]
    }

    static func voteResult(voters: Set<NodeID>, votes: [NodeID: Bool]) -> VoteResult {
        guard !voters.isEmpty else { return .lost }
        var granted = 0
        var rejected = 0
        for v in voters {
            switch votes[v] {
            case true?: granted += 1
            case false?: rejected += 1
            case nil: break
            }
        }
        let q = majority(voters.count)
        if granted >= q { return .won }
        if voters.count - rejected < q { return .lost }
        return .pending
    }

    static func hasQuorum(voters: Set<NodeID>, _ active: (NodeID) -> Bool) -> Bool {
        voters.filter(active).count >= majority(voters.count)
    }
}
