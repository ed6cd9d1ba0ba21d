#if canImport(Glibc)
import Glibc
#endif
import KeyValueStore
import Logging
import NIOCore
import NIOPosix
import RESP
import RaftCore

/// The shell around `RaftNode`: owns it on one event loop and performs the Ready obligations
/// in the documented order (Ready.swift). Every stored property is touched on `loop` only.
final class NodeDriver: @unchecked Sendable {
    let loop: any EventLoop
    let options: RaftServerOptions
    let logger: Logger
    var raft: RaftNode
    /// The replicated key-value state (KeyValueStore): writes are applied in log order, reads
    /// are served after ReadIndex. Touched on `loop` only.
    let machine: KeyValueStateMachine
    let status: StatusBox
    let persistence: any RaftPersistence
    let ioPool: NIOThreadPool
    var transport: PeerTransport!
    let callbacks: RoleCallbacks

    // Client requests waiting for Raft.
    struct PendingWrite {
        var term: Term
        var promise: EventLoopPromise<RESPValue>
        var deadline: NIODeadline
    }
    struct QueuedRead {
        var arguments: [[UInt8]]
        var promise: EventLoopPromise<RESPValue>
        var deadline: NIODeadline
    }
    var pendingWrites: [LogIndex: PendingWrite] = [:]
    /// Prepared writes waiting for the next Ready, which proposes them together.
    var proposalQueue: [QueuedProposal] = []
    /// Reads waiting for the next ReadIndex round (one round serves every read queued before it).
    var readQueue: [QueuedRead] = []
    var readRounds: [UInt64: (started: NIODeadline, reads: [QueuedRead])] = [:]
    /// Reads whose read index is known, waiting for applied ≥ index.
    var readsAwaitingApply: [(index: LogIndex, reads: [QueuedRead])] = []
    var nextReadID: UInt64 = 1
    var forwarded: [UInt64: (promise: EventLoopPromise<RESPValue>, deadline: NIODeadline)] = [:]
    var nextForwardID: UInt64 = 1

    var readyScheduled = false
    /// A Ready is being made durable off the loop; the next waits (group commit: everything
    /// that arrives meanwhile goes into the next batch and its single sync).
    var persisting = false
    var appliedSinceSnapshot = 0
    /// A snapshot being written off the loop (NodeDriver+Checkpoint.swift); at most one at a time.
    var snapshotInFlight: EventLoopFuture<LogIndex>? = nil
    var lastRole: Role? = nil
    var ticker: RepeatedTask? = nil
    var stopped = false
    var membership = MembershipState()  // NodeDriver+Membership.swift
    lazy var metrics = NodeMetrics(node: options.id)

    init(
        loop: any EventLoop, options: RaftServerOptions, registry: CommandRegistry, persistence: any RaftPersistence,
        recovered: RecoveredNodeState, ioPool: NIOThreadPool, callbacks: RoleCallbacks, status: StatusBox, logger: Logger
    ) throws {
        self.loop = loop
        self.options = options
        self.logger = logger
        self.machine = KeyValueStateMachine(registry: registry)
        if let s = recovered.snapshot { try machine.restoreSnapshot(from: s.reader()) }
        var config = RaftConfig(id: options.id, randomSeed: options.randomSeed)
        config.electionTick = options.electionTicks
        config.heartbeatTick = options.heartbeatTicks
        // UNSAFE, on purpose only (--unsafe-fault): the core-level bugs are RaftCore's planted faults.
        if options.unsafeFaults.contains(.voteWithoutLogCheck) { config.faults.insert(.voteWithoutLogCheck) }
        if options.unsafeFaults.contains(.forgetTermOnRestart) { config.faults.insert(.forgetTermOnRestart) }
        self.raft = RaftNode(config: config, restored: recovered.state, initialConfiguration: options.initialConfiguration)
        self.persistence = persistence
        self.ioPool = ioPool
        self.callbacks = callbacks
        self.status = status
    }

    // MARK: clock

    func start() {
        loop.preconditionInEventLoop()
        // A one-node cluster needs no election timeout to elect itself.
        if raft.configuration.voters == [options.id] { raft.campaign() }
        ticker = loop.scheduleRepeatedTask(initialDelay: .milliseconds(Int64(options.tickMilliseconds)), delay: .milliseconds(Int64(options.tickMilliseconds))) { [self] _ in
            guard !stopped else { return }
            raft.tick()
            expireRequests(now: .now())
            scheduleReady()
        }
        publishStatus()
        startMembershipDuties()
        scheduleReady()
    }

    func stop() {
        stopped = true
        ticker?.cancel()
        stopMembershipDuties()
        let e = RESPValue.error("TRYAGAIN node is shutting down")
        for (_, w) in pendingWrites { w.promise.succeed(e) }
        pendingWrites = [:]
        for p in proposalQueue { p.promise.succeed(e) }
        proposalQueue = []
        failReads(readQueue, e)
        readQueue = []
        for (_, r) in readRounds { failReads(r.reads, e) }
        readRounds = [:]
        for r in readsAwaitingApply { failReads(r.reads, e) }
        readsAwaitingApply = []
        for (_, f) in forwarded { f.promise.succeed(e) }
        forwarded = [:]
    }

    // MARK: inputs

    func receive(_ m: Message) {
        guard !stopped else { return }
        guard m.to == options.id else {
            logger.debug("dropping a message addressed to \(m.to)")
            return
        }
        raft.step(m)
        scheduleReady()
    }

    func reportUnreachable(_ peer: NodeID) {
        raft.reportUnreachable(peer)
    }

    // MARK: the Ready loop

    /// Coalesces every input of this loop iteration into one Ready.
    func scheduleReady() {
        guard !readyScheduled, !stopped else { return }
        readyScheduled = true
        loop.execute { [self] in
            readyScheduled = false
            processReady()
        }
    }

    private func processReady() {
        if !stopped { proposeQueued() }
        guard !persisting, !stopped, raft.hasReady else { return }
        let rd = raft.ready()
        if let ss = rd.softState { softStateChanged(ss) }
        // 1. Messages that depend on nothing unpersisted.
        transport.send(rd.messages)
        transport.flush()
        // 2–3. Snapshot, entries and hard state, durable with one sync.
        let needsWrite = rd.snapshot != nil || !rd.entries.isEmpty || rd.hardState != nil
        guard needsWrite else {
            finish(rd)
            return
        }
        var write = PersistBatch(entries: rd.entries, hardState: rd.hardState, snapshot: rd.snapshot, sync: options.fsync == .always)
        if let s = rd.snapshot { installSnapshot(s, into: &write) }
        // UNSAFE, on purpose only (--unsafe-fault skip-fsync-on-vote): the vote is left out of what
        // is written. Merely not syncing it would show nothing, since kill -9 keeps the page cache.
        if options.unsafeFaults.contains(.skipFsyncOnVote) { write.hardState?.votedFor = nil }
        if persistence.isDurable && write.sync {
            persisting = true
            let persistence = self.persistence
            let batch = write
            ioPool.runIfActive(eventLoop: loop) { [fsync = metrics.fsyncLatency] in try fsync.measure { try persistence.persist(batch) } }.whenComplete { [self] result in
                persisting = false
                if case .failure(let error) = result { fatalStorage(error) }
                finish(rd)
            }
        } else {
            do { try persistence.persist(write) } catch { fatalStorage(error) }
            finish(rd)
        }
    }

    func fatalStorage(_ error: any Error) {
        // A node that cannot persist must not acknowledge anything (Figure 2): stop at once.
        logger.critical("storage failed, stopping: \(error)")
        exit(70)
    }

    private func finish(_ rd: Ready) {
        guard !stopped else { return }
        // 4. Votes and acknowledgements, now that what they promise is durable.
        transport.send(rd.messagesAfterPersist)
        transport.flush()
        // 5. Apply, then answer the reads whose index is now applied.
        metrics.committed(rd.committedEntries)
        apply(rd.committedEntries)
        for rs in rd.readStates { readIndexKnown(rs) }
        raft.advance(rd)
        let dropped = raft.takeDroppedReads()
        if !dropped.isEmpty { readsDropped(dropped) }
        serveAppliedReads()
        startReadRoundIfNeeded()
        maybeSnapshot()
        publishStatus()
        if raft.hasReady { scheduleReady() }
    }

    private func apply(_ entries: [Entry]) {
        for e in entries {
            var reply: RESPValue = .ok
            switch e.kind {
            case .normal:
                reply = machine.apply(e.data)
                appliedSinceSnapshot += 1
            case .noop:
                break
            case .configuration:
                if let cc = try? ConfChange(decoding: e.data) {
                    logger.info("membership: \(cc.kind) \(cc.node) \(cc.address)")
                }
                refreshPeerLinks()
            }
            if let w = pendingWrites.removeValue(forKey: e.index) {
                // Same index, different term: our proposal was overwritten by another leader's entry.
                w.promise.succeed(w.term == e.term ? reply : .error("TRYAGAIN leadership changed, the write was not applied"))
            }
        }
    }

    private func softStateChanged(_ ss: SoftState) {
        guard ss.role != lastRole else { return }
        lastRole = ss.role
        publishStatus()  // so the log line below shows the new role and term
        switch ss.role {
        case .leader:
            logger.info("\(options.id) is a leader")
            callbacks.fire(\.onLeader)
        case .follower, .learner:
            logger.info("\(options.id) is a follower\(ss.leader.map { " of \($0)" } ?? "")")
            callbacks.fire(\.onFollower)
        case .candidate:
            logger.info("\(options.id) is a candidate")
            callbacks.fire(\.onCandidate)
        case .preCandidate:
            logger.debug("\(options.id) is a pre-candidate")
        }
        if ss.role != .leader {
            // A write proposed here may still commit under the next leader; it is answered when
            // applied or when it times out. Reads of rounds this node led are dropped by the core.
        }
    }

    /// Dials every member of the current configuration (a joined node included), at its
    /// --peer-via override, else the ensemble's address, else the address carried in the log.
    func refreshPeerLinks() {
        var dial: [NodeID: NodeAddress] = [:]
        let c = raft.configuration
        for id in c.members where id != options.id {
            if let a = options.dialAddress(of: id) {
                dial[id] = a
            } else if let text = c.addresses[id], let a = try? NodeAddress(parsing: text) {
                dial[id] = a
            }
        }
        for (id, a) in joinDialExtras() where dial[id] == nil { dial[id] = a }  // while joining
        transport.updatePeers(dial)
    }

    func publishStatus() {
        let r = raft
        let now = max(Int64(clock_gettime_realtime_millis()), machine.store.clock)  // as reads see it
        let keys = machine.store.liveCount(now: now), expiring = machine.store.liveExpiringCount(now: now)
        metrics.observe(r)
        status.update {
            $0.role = r.role
            $0.term = r.term
            $0.leader = r.leader
            $0.commitIndex = r.commitIndex
            $0.appliedIndex = r.appliedIndex
            $0.lastIndex = r.lastIndex
            $0.members = r.configuration.members.sorted()
            $0.keyCount = keys
            $0.expiringKeyCount = expiring
        }
    }

    // MARK: snapshots

    private func maybeSnapshot() {
        guard appliedSinceSnapshot >= options.logMaxEntries, snapshotInFlight == nil else { return }
        checkpoint()
    }
}

/// The application's role callbacks, called on the node's loop.
struct RoleCallbacks: Sendable {
    var onLeader: (@Sendable () -> Void)?
    var onFollower: (@Sendable () -> Void)?
    var onCandidate: (@Sendable () -> Void)?

    func fire(_ which: KeyPath<RoleCallbacks, (@Sendable () -> Void)?>) {
        self[keyPath: which]?()
    }
}
