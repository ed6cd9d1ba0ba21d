/// `verdict.json`: how a run ended. The exit code is the process's (docs/CHAOS.md):
/// 0 linearizable and recovered, 1 a violation (not linearizable, a lost acknowledged write,
/// or no recovery), 2 unknown (the checker ran out of budget), 3 the harness itself failed.
public struct RunVerdict: Codable, Sendable, Hashable {
    public enum Outcome: String, Codable, Sendable {
        case passed, violation, unknown, harnessFailure = "harness-failure"

        public var exitCode: Int32 {
            switch self {
            case .passed: 0
            case .violation: 1
            case .unknown: 2
            case .harnessFailure: 3
            }
        }
    }

    public var outcome: Outcome
    /// The last line `raft-chaos run` prints: the outcome in words.
    public var summary: String
    /// `linearizable`, `not linearizable`, `unknown`, or nil when the history was not checked.
    public var linearizability: String?
    /// The checker's explanation of a violation (key, operation, concurrent operations).
    public var explanation: String?
    /// Acknowledged writes of the set workload missing from the final read.
    public var lostWrites: [String]
    /// Whether a leader and successful writes on every node were seen after the final heal.
    public var recovered: Bool?
    /// Operation counts by completion type.
    public var ok: Int
    public var fail: Int
    public var info: Int

    public init(outcome: Outcome, summary: String, linearizability: String? = nil, explanation: String? = nil,
                lostWrites: [String] = [], recovered: Bool? = nil, ok: Int = 0, fail: Int = 0, info: Int = 0) {
        self.outcome = outcome
        self.summary = summary
        self.linearizability = linearizability
        self.explanation = explanation
        self.lostWrites = lostWrites
        self.recovered = recovered
        self.ok = ok
        self.fail = fail
        self.info = info
    }
}
