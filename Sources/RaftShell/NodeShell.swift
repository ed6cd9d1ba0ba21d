// The node's logic around the core, as a value: events in (with the time), actions out. Like
// the core it has no sockets, files, clocks or threads; the NIO node (RaftServer's NodeDriver)
// and the simulation (RaftSimulation's Cluster) both drive it, so every seeded run exercises
// the ordering the real node uses: group commit, messages held until after persistence,
// proposals batched per Ready, ReadIndex rounds served only once applied.
import RaftCore

public struct NodeShell: Sendable {
    /// The core. Performers may call its query and change methods directly (membership, status,
    /// snapshots taken); `tick`, `step`, proposals and reads go through the shell.
    public var core: RaftNode
    public let config: ShellConfig

    struct QueuedWrite: Sendable {
        var token: RequestToken
        var entry: [UInt8]
    }
    typealias PendingWrite = PendingWriteRing.Slot
    struct QueuedRead: Sendable {
        var token: RequestToken
        var deadline: UInt64
    }
    struct ReadRound: Sendable {
        var started: UInt64
        var reads: [QueuedRead]
    }

    /// Writes waiting for the next Ready, which proposes them together (one append, one sync).
    var proposalQueue: [QueuedWrite] = []
    /// Proposed entries whose requests wait for them to be applied, by log index.
    var pendingWrites = PendingWriteRing()
    /// Reads waiting for the next ReadIndex round (one round serves every read queued before it).
    var readQueue: [QueuedRead] = []
    var readRounds: [UInt64: ReadRound] = [:]
    /// Reads whose read index is known, waiting for applied ≥ index.
    var readsAwaitingApply: [(index: LogIndex, reads: [QueuedRead])] = []
    /// ReadIndex round ids, from a base drawn for this incarnation: a late ReadIndexResponse to
    /// a round of the node's previous life (a message that outlived a restart) then matches
    /// no round of this one. Counting from 1 on every start let such an answer, with its old
    /// and too low index, serve a new read (found by the simulation, where messages can be
    /// delayed across a restart).
    let firstReadID: UInt64
    var nextReadID: UInt64
    /// Requests relayed to a leader (or sent on a link of the performer's own), by relay id
    /// (NodeShell+Forwarding.swift).
    var relayed: [UInt64: RelayedRequest] = [:]
    var nextRelayID: UInt64 = 1
    /// Requests that arrived while no leader was known (NodeShell+LeaderWait.swift).
    var waitingForLeader: [LeaderWaiter] = []
    /// Queued configuration changes, transfers waiting, the join schedule (NodeShell+Membership.swift).
    var membershipState = ShellMembership()
    /// The leader as last seen by `relaysFollowLeader`.
    var leaderSeenByRelays: NodeID? = nil
    /// The Ready being made durable; the next waits for it (group commit: whatever arrives
    /// meanwhile goes into the next batch and its single sync).
    public private(set) var persisting: Ready? = nil
    var lastRole: Role? = nil
    /// How many Readies were finished (applied and advanced): a performer that compares it
    /// before and after an event knows whether to refresh what it shows.
    public private(set) var readiesFinished: UInt64 = 0
    public private(set) var stopped = false
    /// What the state machine holds and the snapshot being taken (NodeShell+Snapshots.swift).
    var snapshots: ShellSnapshots

    public init(core: RaftNode, config: ShellConfig = ShellConfig()) {
        self.core = core
        self.config = config
        self.snapshots = ShellSnapshots(machineIndex: core.handedOutIndex)
        var rng = SplitMix64(seed: core.randomSeed ^ 0x5245_4144_4944_5321)
        self.firstReadID = (rng.next() & 0xFFFF_FFFF) << 32 | 1
        self.nextReadID = firstReadID
    }

    // MARK: events from the outside world

    /// One clock period passed.
    public mutating func tick(now: UInt64) -> [ShellAction] {
        guard !stopped else { return [] }
        core.tick()
        var actions: [ShellAction] = []
        releaseLeaderWaiters(now: now, into: &actions)
        expireLeaderWaiters(now: now, into: &actions)
        actions += expireRequests(now: now)
        expireRelays(now: now, into: &actions)
        relaysFollowLeader(into: &actions)
        membershipTick(now: now, into: &actions)
        return actions
    }

    /// A message from a peer.
    public mutating func step(_ m: Message) {
        guard !stopped else { return }
        core.step(m)
    }

    /// Whether `ready(now:)` has something to do.
    public var hasWork: Bool {
        !stopped && (!proposalQueue.isEmpty || (persisting == nil ? core.hasReady : core.hasMessages))
    }

    /// The Ready loop's turn: proposes the queued writes, then hands out the core's Ready in the
    /// documented order. When it needs a write, the list ends with `.persist`, and the rest of
    /// the Ready comes from `persisted(now:)`.
    public mutating func ready(now: UInt64) -> [ShellAction] {
        guard !stopped else { return [] }
        var actions = proposeQueued(now: now)
        startReadRoundIfNeeded(now: now)  // the reads queued since the last turn, in one round
        if persisting != nil {
            // Group commit holds the next Ready until this one is durable, but not its messages:
            // what was proposed meanwhile is already on the wire to the followers while this
            // node's fsync runs (the leader counts itself only once durable, in `advance`).
            if core.hasMessages { actions.append(.send(core.takeMessages())) }
            return actions
        }
        guard core.hasReady else { return actions }
        let rd = core.ready()
        if let ss = rd.softState, ss.role != lastRole {
            // A deposed leader's proposals may still commit under the next leader, or be
            // replaced: nobody here will learn which soon, so their clients hear it now (those
            // this very Ready commits are answered with their result as usual).
            if lastRole == .leader { leadershipLost(after: rd.committedEntries.last?.index, into: &actions) }
            lastRole = ss.role
            actions.append(.roleChanged(ss))
        }
        // 1. Messages that depend on nothing unpersisted.
        if !rd.messages.isEmpty { actions.append(.send(rd.messages)) }
        // 2-3. Snapshot, entries and hard state, durable with one sync.
        guard rd.snapshot == nil, rd.entries.isEmpty, rd.hardState == nil else {
            persisting = rd
            actions.append(.persist(ShellPersist(entries: rd.entries, hardState: rd.hardState, snapshot: rd.snapshot, mustSync: rd.mustSync)))
            if let s = rd.snapshot { snapshotInstalled(s) }
            return actions
        }
        finish(rd, now: now, into: &actions)
        return actions
    }

    /// The last `.persist` is durable: the rest of its Ready.
    public mutating func persisted(now: UInt64) -> [ShellAction] {
        guard let rd = persisting else { return [] }
        persisting = nil
        guard !stopped else { return [] }
        var actions: [ShellAction] = []
        finish(rd, now: now, into: &actions)
        return actions
    }

    private mutating func finish(_ rd: Ready, now: UInt64, into actions: inout [ShellAction]) {
        // 4. Votes and acknowledgements, now that what they promise is durable.
        if !rd.messagesAfterPersist.isEmpty { actions.append(.send(rd.messagesAfterPersist)) }
        // 5. Apply, answering the writes proposed here; then the reads whose index is applied.
        if !rd.committedEntries.isEmpty {
            var replyTo: [LogIndex: RequestToken] = [:]
            for e in rd.committedEntries {
                guard let w = pendingWrites.remove(at: e.index) else { continue }
                // Same index, other term: another leader's entry overwrote our proposal.
                if w.term == e.term {
                    replyTo[e.index] = w.token
                } else {
                    actions.append(.refuse(w.token, .writeOverwritten))
                }
            }
            actions.append(.apply(rd.committedEntries, replyTo: replyTo))
            entriesApplied(rd.committedEntries, into: &actions)
        }
        if !rd.readStates.isEmpty {
            actions.append(.readStates(rd.readStates))
            for rs in rd.readStates { readIndexKnown(rs) }
        }
        core.advance(rd)
        readiesFinished &+= 1
        // Once the shell runs ReadIndex rounds every read ID is its own; a caller that drives
        // `core.readIndex` itself (a unit test) collects its dropped reads from the core.
        if nextReadID > firstReadID {
            let dropped = core.takeDroppedReads()
            if !dropped.isEmpty { readsDropped(dropped, into: &actions) }
        }
        serveAppliedReads(into: &actions)
        releaseLeaderWaiters(now: now, into: &actions)
        startReadRoundIfNeeded(now: now)
        relaysFollowLeader(into: &actions)
    }

    /// Ends every request with `.shuttingDown`; the shell takes no events after this.
    public mutating func stop() -> [ShellAction] {
        stopped = true
        var tokens = proposalQueue.map(\.token) + pendingWrites.removeAll().map(\.token) + readQueue.map(\.token)
        tokens += readRounds.values.flatMap { $0.reads.map(\.token) }
        tokens += readsAwaitingApply.flatMap { $0.reads.map(\.token) }
        tokens += relayed.keys.sorted().map { relayed[$0]!.token }
        tokens += waitingForLeader.map(\.token)
        tokens += takeMembershipRequests()
        membershipState.join = nil
        relayed = [:]
        waitingForLeader = []
        proposalQueue = []
        readQueue = []
        readRounds = [:]
        readsAwaitingApply = []
        return tokens.map { .refuse($0, .shuttingDown) }
    }

    /// Client requests the shell still has to answer.
    public var pendingRequestCount: Int {
        proposalQueue.count + pendingWrites.count + readQueue.count + readRounds.values.reduce(0) { $0 + $1.reads.count }
            + readsAwaitingApply.reduce(0) { $0 + $1.reads.count } + relayed.count + waitingForLeader.count
            + membershipState.queuedChanges.count + membershipState.transfers.count
    }
}
