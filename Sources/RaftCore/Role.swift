// The role a node plays and the volatile state shown to the shell.

/// The role a node plays. PreCandidate is the PreVote phase (§9.6 of the dissertation).
public enum Role: String, Sendable, Hashable {
    case follower, preCandidate, candidate, leader, learner
}

/// Volatile state the shell shows to humans and callbacks (onLeader, onFollower, onCandidate).
public struct SoftState: Hashable, Sendable {
    public var role: Role
    public var leader: NodeID?
    public var term: Term
    public init(role: Role, leader: NodeID?, term: Term) {
        self.role = role
        self.leader = leader
        self.term = term
    }
}
