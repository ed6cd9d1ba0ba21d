// The Raft RPCs (Figure 2 of the paper, plus PreVote, TimeoutNow and ReadIndex from the
// dissertation). PeerWire encodes exactly these; nothing else travels between cores.

public struct Message: Hashable, Sendable {
    public var from: NodeID
    public var to: NodeID
    /// The sender's current term (for a PreVote request: the term it would campaign in).
    public var term: Term
    public var body: Body
    public init(from: NodeID, to: NodeID, term: Term, body: Body) {
        self.from = from
        self.to = to
        self.term = term
        self.body = body
    }

    public enum Body: Hashable, Sendable {
        case requestVote(RequestVote)
        case requestVoteResponse(RequestVoteResponse)
        case appendEntries(AppendEntries)
        case appendEntriesResponse(AppendEntriesResponse)
        /// The snapshot's bytes travel beside this message, streamed by the shell.
        case installSnapshot(SnapshotMetadata)
        case installSnapshotResponse(InstallSnapshotResponse)
        /// Leadership transfer (§3.10 of the dissertation): campaign now, skipping PreVote.
        case timeoutNow
        /// A follower asks the leader for a read index on behalf of its client (§6.4).
        case readIndex(requestID: UInt64)
        /// The leader's answer; `index` is meaningful only when `ok`.
        case readIndexResponse(requestID: UInt64, index: LogIndex, ok: Bool)
    }
}

public struct RequestVote: Hashable, Sendable {
    public var lastLogIndex: LogIndex
    public var lastLogTerm: Term
    public var preVote: Bool
    /// Set when campaigning because of TimeoutNow: voters ignore their leader lease (§3.10).
    public var leadershipTransfer: Bool
    public init(lastLogIndex: LogIndex, lastLogTerm: Term, preVote: Bool, leadershipTransfer: Bool = false) {
        self.lastLogIndex = lastLogIndex
        self.lastLogTerm = lastLogTerm
        self.preVote = preVote
        self.leadershipTransfer = leadershipTransfer
    }
}

public struct RequestVoteResponse: Hashable, Sendable {
    public var granted: Bool
    public var preVote: Bool
    public init(granted: Bool, preVote: Bool) {
        self.granted = granted
        self.preVote = preVote
    }
}

public struct AppendEntries: Hashable, Sendable {
    public var prevLogIndex: LogIndex
    public var prevLogTerm: Term
    public var entries: [Entry]
    public var leaderCommit: LogIndex
    /// Non-zero on heartbeats that confirm leadership for pending ReadIndex requests.
    public var readContext: UInt64
    public init(prevLogIndex: LogIndex, prevLogTerm: Term, entries: [Entry], leaderCommit: LogIndex, readContext: UInt64 = 0) {
        self.prevLogIndex = prevLogIndex
        self.prevLogTerm = prevLogTerm
        self.entries = entries
        self.leaderCommit = leaderCommit
        self.readContext = readContext
    }
}

public struct AppendEntriesResponse: Hashable, Sendable {
    public var success: Bool
    /// On success: the highest index known to match the leader. On failure: the index probed.
    public var index: LogIndex
    /// Fast back-off on rejection (§5.3, "the follower can include the term of the conflicting
    /// entry and the first index it stores for that term"): a hint for the leader's next probe.
    public var conflictIndex: LogIndex
    public var conflictTerm: Term
    public var readContext: UInt64
    public init(success: Bool, index: LogIndex, conflictIndex: LogIndex = .zero, conflictTerm: Term = .zero, readContext: UInt64 = 0) {
        self.success = success
        self.index = index
        self.conflictIndex = conflictIndex
        self.conflictTerm = conflictTerm
        self.readContext = readContext
    }
}

public struct InstallSnapshotResponse: Hashable, Sendable {
    /// The follower's last index after installing (or refusing) the snapshot.
    public var index: LogIndex
    public var success: Bool
    public init(index: LogIndex, success: Bool) {
        self.index = index
        self.success = success
    }
}
