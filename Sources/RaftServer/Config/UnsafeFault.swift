// Switches that break correctness on purpose, so a chaos setup can prove it notices (a checker
// that never fails proves nothing). raft-node takes them as `--unsafe-fault NAME`, a hidden
// option; `raft-node help unsafe-faults` lists them. Never use one with data you care about.

/// One deliberate correctness bug. Each acts in one clearly marked place in the node.
public enum UnsafeFault: String, CaseIterable, Sendable, Hashable {
    /// Reads are answered from local state with no ReadIndex, on followers too (NodeDriver+Requests).
    case staleLocalReads = "stale-local-reads"
    /// The leader answers a write +OK once its own core appended it, before it commits (NodeDriver+Requests).
    case ackBeforeCommit = "ack-before-commit"
    /// Votes are granted without the "log at least as up to date" check (RaftCore's planted fault).
    case voteWithoutLogCheck = "vote-without-log-check"
    /// The vote is never written to the log file, so a restarted node can vote twice in a term (NodeDriver).
    case skipFsyncOnVote = "skip-fsync-on-vote"
    /// On restart the term and vote start from zero (RaftCore's planted fault).
    case forgetTermOnRestart = "forget-term-on-restart"

    /// One line for `raft-node help unsafe-faults` and the start-up warning.
    public var summary: String {
        switch self {
        case .staleLocalReads:
            return "every node answers reads from its local state without ReadIndex, followers included (stale reads)"
        case .ackBeforeCommit:
            return "the leader answers +OK to a write once it is in its own log, before a majority has it (lost acknowledged writes)"
        case .voteWithoutLogCheck:
            return "votes are granted without checking that the candidate's log is up to date (committed entries overwritten)"
        case .skipFsyncOnVote:
            return "a granted vote never reaches the log file before (or after) the grant is sent, so after kill -9 a node can vote twice in one term"
        case .forgetTermOnRestart:
            return "on restart the node starts from term 0 with no vote, as if its hard state were never persisted"
        }
    }

    /// Only an exact, complete name is accepted: a switch that breaks correctness must never be
    /// turned on by a typo or an abbreviation.
    public init(named name: String) throws(NodeOptionError) {
        guard let fault = UnsafeFault(rawValue: name) else {
            let known = UnsafeFault.allCases.map(\.rawValue).joined(separator: ", ")
            throw NodeOptionError("--unsafe-fault '\(name)' is not a known fault (spell out one of: \(known); see `raft-node help unsafe-faults`)")
        }
        self = fault
    }
}
