// Who is in the cluster.

/// The cluster membership: who votes, who only receives the log, and where each lives.
/// Addresses travel through the log so that a joining node learns them, but the core never dials.
public struct Configuration: Hashable, Sendable {
    public var voters: Set<NodeID>
    public var learners: Set<NodeID>
    /// Peer (port P+1) address of each member, "ip:port"; informational for the core.
    public var addresses: [NodeID: String]
    public init(voters: Set<NodeID> = [], learners: Set<NodeID> = [], addresses: [NodeID: String] = [:]) {
        self.voters = voters
        self.learners = learners
        self.addresses = addresses
    }
    public var members: Set<NodeID> { voters.union(learners) }
}
