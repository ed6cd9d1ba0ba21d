// Test-only rule breakers. Each one disables a single rule of the paper so that the simulation
// can prove it notices (a checker that never fails proves nothing). Never set in production.

public struct PlantedFaults: OptionSet, Sendable, Hashable {
    public let rawValue: UInt32
    public init(rawValue: UInt32) { self.rawValue = rawValue }

    public static let none: PlantedFaults = []
    /// Grant votes without the "at least as up to date" log comparison (§5.4.1).
    public static let voteWithoutLogCheck = PlantedFaults(rawValue: 1 << 0)
    /// Commit any entry replicated on a majority, whatever its term, and skip the leader's no-op
    /// (the unsafe rule of Figure 8, §5.4.2; the no-op would otherwise hide the mistake).
    public static let commitOldTermByCounting = PlantedFaults(rawValue: 1 << 1)
    /// Forget `votedFor` on restart, as if the vote were never persisted (Figure 2, §5.1).
    public static let forgetVoteOnRestart = PlantedFaults(rawValue: 1 << 2)
    /// Start from term 0 with no vote on restart, as if the hard state were never persisted
    /// (raft-node's `--unsafe-fault forget-term-on-restart`).
    public static let forgetTermOnRestart = PlantedFaults(rawValue: 1 << 3)

    public var names: [String] {
        var out: [String] = []
        if contains(.voteWithoutLogCheck) { out.append("voteWithoutLogCheck") }
        if contains(.commitOldTermByCounting) { out.append("commitOldTermByCounting") }
        if contains(.forgetVoteOnRestart) { out.append("forgetVoteOnRestart") }
        if contains(.forgetTermOnRestart) { out.append("forgetTermOnRestart") }
        return out
    }
}
