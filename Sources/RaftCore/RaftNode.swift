// The Raft protocol as a pure state machine (in the style of etcd-io/raft): no sockets, files,
// clocks or threads. The shell drives it with tick(), step(_:), propose(_:) and collects what to
// persist, send and apply with ready()/advance(_:). The rules live in the extensions:
// Election.swift, Replication.swift, Snapshot.swift, Membership.swift, ReadIndex.swift,
// LeadershipTransfer.swift.

public struct RaftNode: Sendable {
    let config: RaftConfig
    var rng: SplitMix64

    // Persistent state on all servers (Figure 2).
    var currentTerm: Term = .zero
    var votedFor: NodeID? = nil
    var raftLog: RaftLog

    // Volatile state.
    var currentRole: Role = .follower
    var leaderID: NodeID? = nil
    var confHistory: ConfigurationHistory
    var peers: [NodeID: PeerProgress] = [:]
    var votes: [NodeID: Bool] = [:]
    var electionElapsed = 0
    var heartbeatElapsed = 0
    var randomizedElectionTimeout = 0
    var leadTransferee: NodeID? = nil
    /// Index of the latest configuration entry this leader appended (one change at a time).
    var pendingConfIndex: LogIndex = .zero

    // ReadIndex (dissertation §6.4).
    var readCounter: UInt64 = 0
    var pendingReads: [PendingRead] = []
    var readsAwaitingCommit: [PendingRead] = []
    var readAcks: [NodeID: UInt64] = [:]
    var forwardedReads: Set<UInt64> = []
    var droppedReads: [UInt64] = []

    // The latest snapshot this node has (taken, restored or installed): offered to lagging peers.
    var latestSnapshot: SnapshotMetadata? = nil

    // Ready bookkeeping.
    var msgs: [Message] = []
    var msgsAfterPersist: [Message] = []
    var readStates: [ReadState] = []
    var snapshotToPersist: SnapshotMetadata? = nil
    var prevSoftState: SoftState
    var prevHardState: HardState

    /// `initialConfiguration` is used only when the restored state has no configuration (a brand
    /// new cluster); a node bootstrapping a one-node cluster passes a configuration with itself as
    /// the only voter; a node that joins an existing cluster passes an empty one and waits to be
    /// contacted by the leader.
    ///
    /// Bootstrap: a brand new node (no snapshot, no entries) with a non-empty
    /// `initialConfiguration` writes that configuration into its log as the first entries
    /// (term 0, one `.configuration` entry per member, voters then learners, each sorted by id)
    /// and treats them as committed. Every founding member must be given the same configuration,
    /// so their logs start identical; a node that joins later receives these entries like any
    /// other and so learns the founding configuration from the log.
    public init(config: RaftConfig, restored: RaftRestoredState, initialConfiguration: Configuration) {
        self.config = config
        self.rng = SplitMix64(seed: config.randomSeed)
        self.raftLog = RaftLog(snapshot: restored.snapshot, entries: restored.entries, commit: restored.hardState.commit)
        let forgetTerm = config.faults.contains(.forgetTermOnRestart)  // planted fault: term and vote lost
        self.currentTerm = forgetTerm ? .zero : restored.hardState.term
        self.votedFor = config.faults.contains(.forgetVoteOnRestart) || forgetTerm ? nil : restored.hardState.votedFor
        self.latestSnapshot = restored.snapshot
        self.confHistory = ConfigurationHistory(base: restored.snapshot?.configuration ?? Configuration(), baseIndex: restored.snapshot?.index ?? .zero)
        self.prevSoftState = SoftState(role: .follower, leader: nil, term: currentTerm)
        self.prevHardState = restored.hardState
        if restored.snapshot == nil && raftLog.lastIndex == .zero && !initialConfiguration.members.isEmpty {
            raftLog.append(Self.bootstrapEntries(initialConfiguration))
            raftLog.commit(to: raftLog.lastIndex)
        }
        _ = confHistory.record(entries: raftLog.entries)
        becomeFollower(term: currentTerm, leader: nil)
        prevSoftState = softState
    }

    static func bootstrapEntries(_ c: Configuration) -> [Entry] {
        var out: [Entry] = []
        let changes = c.voters.sorted().map { ConfChange(kind: .addVoter, node: $0, address: c.addresses[$0] ?? "") }
            + c.learners.subtracting(c.voters).sorted().map { ConfChange(kind: .addLearner, node: $0, address: c.addresses[$0] ?? "") }
        for cc in changes {
            out.append(Entry(term: .zero, index: LogIndex(UInt64(out.count + 1)), kind: .configuration, data: cc.encoded))
        }
        return out
    }

    // MARK: what the shell may look at

    public var id: NodeID { config.id }
    /// The seed this node's randomness was started from (a new one for every start of the
    /// process): lets a shell number its requests apart from those of an earlier incarnation.
    public var randomSeed: UInt64 { config.randomSeed }
    public var role: Role { currentRole }
    public var term: Term { currentTerm }
    public var leader: NodeID? { leaderID }
    public var votedForInTerm: NodeID? { votedFor }
    public var commitIndex: LogIndex { raftLog.committed }
    /// The highest index handed out in a Ready's `committedEntries` (or covered by an installed
    /// snapshot): counted as soon as `ready()` returns, before the shell has persisted that Ready
    /// or applied anything. Not what the state machine holds (the shell's `stateMachineIndex`
    /// is): a snapshot or a status taken at this index claims writes the state may lack.
    public var handedOutIndex: LogIndex { raftLog.handedOut }
    public var lastIndex: LogIndex { raftLog.lastIndex }
    public var lastTerm: Term { raftLog.lastTerm }
    /// First index still held in the log (entries before it are covered by the snapshot).
    public var firstIndex: LogIndex { raftLog.firstIndex }
    public var snapshot: SnapshotMetadata? { latestSnapshot }
    /// The latest (possibly uncommitted) configuration: configurations take effect as soon as
    /// their entry is appended to the log, not when committed (dissertation §4.1).
    public var configuration: Configuration { confHistory.current }
    /// The configuration in force at `index` (what a snapshot covering `index` must carry).
    public func configuration(at index: LogIndex) -> Configuration { confHistory.configuration(at: index) }
    /// Leader only: match, next, state (probe/replicate/snapshot), recentActive.
    public var progress: [NodeID: PeerProgress] { currentRole == .leader ? peers : [:] }
    public var leadershipTransferTarget: NodeID? { leadTransferee }
    public func term(at index: LogIndex) -> Term? { raftLog.term(at: index) }
    public func entry(at index: LogIndex) -> Entry? { raftLog.entry(at: index) }

    public var softState: SoftState { SoftState(role: currentRole, leader: leaderID, term: currentTerm) }
    public var hardState: HardState { HardState(term: currentTerm, votedFor: votedFor, commit: raftLog.committed) }

    // MARK: Ready / advance

    public var hasReady: Bool {
        // One test per line rather than a || chain: in a debug build each autoclosure of ||
        // copies the whole node, and this is asked after every step.
        if !msgs.isEmpty { return true }
        if !msgsAfterPersist.isEmpty { return true }
        if !readStates.isEmpty { return true }
        if raftLog.hasUnstable { return true }
        if snapshotToPersist != nil { return true }
        if currentRole != prevSoftState.role { return true }
        if leaderID != prevSoftState.leader { return true }
        if currentTerm != prevSoftState.term { return true }
        if currentTerm != prevHardState.term { return true }
        if votedFor != prevHardState.votedFor { return true }
        if raftLog.committed != prevHardState.commit { return true }
        return min(raftLog.committed, applyLimit) > raftLog.handedOut
    }

    /// Everything the shell must do now, in the order documented on `Ready`. Call `advance(_:)`
    /// with it before asking for the next one.
    public mutating func ready() -> Ready {
        var rd = Ready()
        let ss = softState
        if ss != prevSoftState {
            rd.softState = ss
            prevSoftState = ss
        }
        let hs = hardState
        if hs != prevHardState {
            rd.hardState = hs
            rd.mustSync = hs.term != prevHardState.term || hs.votedFor != prevHardState.votedFor
            prevHardState = hs
        }
        rd.snapshot = snapshotToPersist
        snapshotToPersist = nil
        rd.committedEntries = nextCommittedEntries()
        rd.entries = raftLog.unstableEntries
        if rd.snapshot != nil || !rd.entries.isEmpty { rd.mustSync = true }
        raftLog.unstableFrom = raftLog.lastIndex.next
        if let last = rd.committedEntries.last { raftLog.handedOut = last.index }
        rd.messages = msgs
        msgs = []
        rd.messagesAfterPersist = msgsAfterPersist
        msgsAfterPersist = []
        rd.readStates = readStates
        readStates = []
        return rd
    }

    /// Whether messages that depend on nothing unpersisted are waiting (Ready step 1).
    public var hasMessages: Bool { !msgs.isEmpty }

    /// Hands out the messages that depend on nothing unpersisted while an earlier Ready is still
    /// being made durable, so AppendEntries of entries proposed meanwhile go on the wire during
    /// the leader's own fsync (dissertation §10.2.1): the leader counts itself only in `advance`.
    /// Acknowledgements and vote requests stay in `messagesAfterPersist` of the next Ready.
    public mutating func takeMessages() -> [Message] {
        let out = msgs
        msgs = []
        return out
    }

    /// The shell made `rd` durable, sent its messages and applied its committed entries.
    public mutating func advance(_ rd: Ready) {
        if let s = rd.snapshot, s.index > raftLog.persisted, raftLog.snapshotIndex >= s.index {
            raftLog.persisted = s.index
        }
        if let last = rd.entries.last, raftLog.term(at: last.index) == last.term, last.index > raftLog.persisted {
            raftLog.persisted = last.index
        }
        // The leader's own log counts toward commitment only once durable (§10.2.1 of the
        // dissertation allows the leader to send before its own write completes).
        if currentRole == .leader {
            if var me = peers[id] {
                _ = me.maybeUpdate(raftLog.persisted)
                peers[id] = me
            }
            if maybeCommit() { broadcastAppend() }
        }
    }

    /// Committed entries may be handed out up to here: entries still between `persisted` and
    /// `unstableFrom` belong to a Ready not yet advanced, so they wait.
    var applyLimit: LogIndex {
        raftLog.unstableFrom == raftLog.persisted.next ? raftLog.lastIndex : raftLog.persisted
    }

    func nextCommittedEntries() -> [Entry] {
        let room = UInt64(max(1, config.maxCommittedEntriesPerReady))
        let handedOut = raftLog.handedOut.rawValue
        let cap = LogIndex(handedOut > UInt64.max - room ? UInt64.max : handedOut + room)
        return raftLog.nextCommitted(limit: min(applyLimit, cap))
    }

    // MARK: sending

    /// Queues a message. Responses that acknowledge votes or entries (and our own vote requests,
    /// which count our self-vote) depend on this Ready's hard state and entries being durable
    /// (Figure 2: "respond to RPCs only after updating stable storage").
    mutating func send(_ m: Message) {
        switch m.body {
        case .requestVoteResponse, .appendEntriesResponse, .installSnapshotResponse:
            msgsAfterPersist.append(m)
        case .requestVote(let rv) where !rv.preVote:
            msgsAfterPersist.append(m)
        default:
            msgs.append(m)
        }
    }

    mutating func send(to: NodeID, term: Term? = nil, _ body: Message.Body) {
        send(Message(from: id, to: to, term: term ?? currentTerm, body: body))
    }
}
