// What must be durable before a message that depends on it is sent.

/// The state that must be durable before any message that depends on it is sent (§5.1, Figure 2:
/// "Persistent state on all servers ... updated on stable storage before responding to RPCs").
public struct HardState: Hashable, Sendable {
    public var term: Term
    public var votedFor: NodeID?
    public var commit: LogIndex
    public init(term: Term = .zero, votedFor: NodeID? = nil, commit: LogIndex = .zero) {
        self.term = term
        self.votedFor = votedFor
        self.commit = commit
    }
}
