/// `verdict.json`: how a run ended. The exit code is the process's (docs/CHAOS.md):
/// 0 linearizable and recovered, 1 a violation (not linearizable, a lost acknowledged write,
/// no recovery, or a safety violation in the captured peer traffic), 2 unknown (the checker ran
/// out of budget), 3 the harness itself failed.
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
    /// For the list-append workload: `serializable`, `not serializable` (the anomalies are in
    /// `explanation`), or nil when the history was not checked for it.
    public var serializability: String?
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
    /// The audit of the captured peer traffic; nil when there was no capture (no privilege, or
    /// the capture failed: `peerTrafficNote` says why).
    public var peerTraffic: PeerTrafficAudit?
    public var peerTrafficNote: String?

    public init(outcome: Outcome, summary: String, linearizability: String? = nil, serializability: String? = nil, explanation: String? = nil,
                lostWrites: [String] = [], recovered: Bool? = nil, ok: Int = 0, fail: Int = 0, info: Int = 0,
                peerTraffic: PeerTrafficAudit? = nil, peerTrafficNote: String? = nil) {
        self.outcome = outcome
        self.summary = summary
        self.linearizability = linearizability
        self.serializability = serializability
        self.explanation = explanation
        self.lostWrites = lostWrites
        self.recovered = recovered
        self.ok = ok
        self.fail = fail
        self.info = info
        self.peerTraffic = peerTraffic
        self.peerTrafficNote = peerTrafficNote
    }
}
