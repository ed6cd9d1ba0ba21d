// How a node is tuned, what it recovered at start, and how proposals fail.

public struct RaftConfig: Sendable {
    public var id: NodeID
    /// Election timeout, in ticks; each node draws its timeout from [electionTick, 2*electionTick)
    /// anew after every reset (§5.2, "randomized election timeouts").
    public var electionTick: Int = 10
    /// A leader sends heartbeats every `heartbeatTick` ticks (§5.2); must be < electionTick.
    public var heartbeatTick: Int = 1
    /// Campaign in two phases: first ask whether a vote would be granted (dissertation §9.6).
    public var preVote: Bool = true
    /// A leader that has not heard from a quorum within an election timeout steps down, and
    /// followers that heard from a leader recently ignore vote requests (dissertation §6.2, §4.2.3).
    public var checkQuorum: Bool = true
    /// At most this many AppendEntries in flight per follower in the replicate state (pipelining).
    public var maxInflightAppends: Int = 64
    public var maxEntriesPerAppend: Int = 256
    public var maxBytesPerAppend: Int = 1 << 20
    /// At most this many committed entries handed out by one Ready; the rest come with the next.
    /// Applying is the bulk of a Ready's work, and nothing else (a tick, its heartbeats) runs on
    /// a node's loop while one is performed: a bound keeps a backlog of thousands of commits from
    /// holding a leader's heartbeats back for an election timeout (etcd: MaxCommittedSizePerReady).
    public var maxCommittedEntriesPerReady: Int = .max
    /// Seeds the generator for randomized election timeouts; a seed reproduces a run.
    public var randomSeed: UInt64
    /// Test-only rule breakers (the planted bugs); `.none` in production.
    public var faults: PlantedFaults = .none

    public init(id: NodeID, randomSeed: UInt64) {
        self.id = id
        self.randomSeed = randomSeed
    }
}

/// What a restarting node recovered from stable storage.
public struct RaftRestoredState: Sendable {
    public var hardState: HardState
    public var snapshot: SnapshotMetadata?
    /// The entries after the snapshot, contiguous and in order.
    public var entries: [Entry]
    public init(hardState: HardState = HardState(), snapshot: SnapshotMetadata? = nil, entries: [Entry] = []) {
        self.hardState = hardState
        self.snapshot = snapshot
        self.entries = entries
    }
}

public enum ProposalError: Error, Sendable, Equatable {
    /// Only the leader accepts proposals (§5.1); retry at `leaderHint` if known.
    case notLeader(leaderHint: NodeID?)
    /// A leadership transfer is under way (dissertation §3.10): proposals wait for the new leader.
    case transferInProgress
    /// One membership change at a time, and only after the leader committed an entry of its
    /// term (dissertation §4.1 and the 2015 bug fix on raft-dev).
    case configChangeInProgress
    case invalidConfChange(String)
    /// This node is no longer a member of the cluster.
    case removed
}
