// What the log holds, and what must be persisted.

/// The kind of a log entry. The no-op opens each leader's term (§8, Figure 8); a
/// configuration entry carries a membership change (§4.1 of Ongaro's dissertation).
public enum EntryKind: UInt8, Sendable, Hashable {
    case normal = 0
    case noop = 1
    case configuration = 2
}

/// One entry of the replicated log. `data` is opaque to the core: the application's command,
/// or for `.configuration` an encoded `ConfChange` (see `ConfChange.encoded`).
public struct Entry: Hashable, Sendable {
    public var term: Term
    public var index: LogIndex
    public var kind: EntryKind
    public var data: [UInt8]
    public init(term: Term, index: LogIndex, kind: EntryKind = .normal, data: [UInt8] = []) {
        self.term = term
        self.index = index
        self.kind = kind
        self.data = data
    }
}

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

/// A single-server membership change, replicated as an `.configuration` entry.
public struct ConfChange: Hashable, Sendable {
    public enum Kind: UInt8, Sendable, Hashable {
        case addLearner = 0
        case promoteToVoter = 1
        case addVoter = 2
        case remove = 3
    }
    public var kind: Kind
    public var node: NodeID
    public var address: String
    public init(kind: Kind, node: NodeID, address: String = "") {
        self.kind = kind
        self.node = node
        self.address = address
    }
}

/// What a snapshot covers. The snapshot's bytes never pass through the core: the shell stores
/// and ships them (in chunks), and tells the core only this metadata.
public struct SnapshotMetadata: Hashable, Sendable {
    public var index: LogIndex
    public var term: Term
    public var configuration: Configuration
    public init(index: LogIndex, term: Term, configuration: Configuration) {
        self.index = index
        self.term = term
        self.configuration = configuration
    }
}

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

/// A ReadIndex answer (§6.4 of the dissertation): once the local applied index reaches `index`,
/// a read tagged `requestID` may be served linearizably.
public struct ReadState: Hashable, Sendable {
    public var requestID: UInt64
    public var index: LogIndex
    public init(requestID: UInt64, index: LogIndex) {
        self.requestID = requestID
        self.index = index
    }
}
