#if canImport(Glibc)
import Glibc
#endif
import KeyValueStore
import Logging
import NIOCore
import NIOPosix
import RESP
import RaftCore
import RaftShell

/// The NIO performer around `NodeShell` (RaftShell): the shell decides, in the documented Ready
/// order, what to send, persist, apply and answer; the driver carries its actions out with
/// sockets, files, threads and the clock (NodeDriver+Actions.swift), and keeps what only a
/// performer can: client promises, membership duties, snapshots taken.
/// Every stored property is touched on `loop` only.
final class NodeDriver: @unchecked Sendable {
    let loop: any EventLoop
    let options: RaftServerOptions
    /// Reads skip ReadIndex: --read-mode local, or --unsafe-fault stale-local-reads (decided once,
    /// not per read).
    let servesLocalReads: Bool
    let logger: Logger
    /// The node's logic; the core inside it is `raft`.
    var shell: NodeShell
    var raft: RaftNode {
        get { shell.core }
        _modify { yield &shell.core }
    }
    /// The replicated key-value state (KeyValueStore): writes are applied in log order, reads
    /// are served after ReadIndex. Touched on `loop` only.
    let machine: KeyValueStateMachine
    /// This node's Pub/Sub subscribers; applied PUBLISH entries are delivered to them.
    let pubSub = PubSubHub()
    /// Clients waiting in BLPOP and kin on this node (NodeDriver+Blocking.swift).
    let blocked = BlockedClients()
    /// The node's command table (the client port resolves with the same one).
    let commands: CommandTable
    let status: StatusBox
    let persistence: any RaftPersistence
    let ioPool: NIOThreadPool
    var transport: PeerTransport!
    let callbacks: RoleCallbacks

    /// Client requests the shell holds by token: how to answer each, and what it asked.
    struct ClientRequest {
        /// Answers the request, on `loop` (a callback, not a promise: no future per request).
        var reply: (RESPValue) -> Void
        var arguments: [[UInt8]]
        /// The data command `arguments` resolved to (nil for a membership change awaited).
        var command: Command?
        var forwardedFrom: NodeID?
    }
    var requests: [RequestToken: ClientRequest] = [:]
    var nextToken: RequestToken = 1
    var readyScheduled = false
    /// A Ready is being made durable off the loop; the shell holds the next (group commit).
    var persisting: Bool { shell.persisting != nil }
    /// The snapshot being written off the loop (NodeDriver+Checkpoint.swift); at most one at a
    /// time (the shell decides when and at which index).
    var snapshotInFlight: EventLoopFuture<LogIndex>? = nil
    /// The newest snapshot this node took, received or loaded: what a laggard is sent (§7).
    /// Its metadata is the core's `snapshot`; this is its file, and the only reference to it.
    var latestSnapshot: StoredSnapshot? = nil
    var ticker: RepeatedTask? = nil
    var stopped = false
    var membership = MembershipState()  // NodeDriver+Membership.swift
    var staticBootstrap = StaticBootstrapState()  // NodeDriver+StaticBootstrap.swift
    /// The core's configuration, kept to start the core afresh when a static ensemble founds.
    let coreConfig: RaftConfig
    lazy var metrics = NodeMetrics(node: options.id)

    init(
        loop: any EventLoop, options: RaftServerOptions, commands: CommandTable, persistence: any RaftPersistence,
        recovered: RecoveredNodeState, ioPool: NIOThreadPool, callbacks: RoleCallbacks, status: StatusBox, logger: Logger
    ) throws {
        self.loop = loop
        self.options = options
        self.logger = logger
        self.commands = commands
        self.machine = KeyValueStateMachine(registry: commands.registry)
        if let s = recovered.snapshot { try machine.restoreSnapshot(from: s.reader()) }
        self.latestSnapshot = recovered.snapshot  // what a lagging follower will be sent (§7)
        machine.store.publisher = { [pubSub] channel, message in pubSub.publish(channel: channel, message: message) }
        self.servesLocalReads = options.readMode == .local || options.unsafeFaults.contains(.staleLocalReads)
        var config = RaftConfig(id: options.id, randomSeed: options.randomSeed)
        config.electionTick = options.electionTicks
        config.heartbeatTick = options.heartbeatTicks
        // UNSAFE, on purpose only (--unsafe-fault): the core-level bugs are RaftCore's planted faults.
        if options.unsafeFaults.contains(.voteWithoutLogCheck) { config.faults.insert(.voteWithoutLogCheck) }
        if options.unsafeFaults.contains(.forgetTermOnRestart) { config.faults.insert(.forgetTermOnRestart) }
        self.coreConfig = config
        var shellConfig = ShellConfig(requestTimeout: UInt64(max(1, options.requestTimeoutMilliseconds)), logMaxEntries: options.logMaxEntries)
        shellConfig.leaderWait = UInt64(max(0, min(options.leaderWaitMilliseconds, options.requestTimeoutMilliseconds)))
        // UNSAFE, on purpose only (--unsafe-fault ack-before-commit): +OK before replication.
        if options.unsafeFaults.contains(.ackBeforeCommit) { shellConfig.unsafeFaults.insert(.ackBeforeCommit) }
        self.shell = NodeShell(
            core: RaftNode(config: config, restored: recovered.state, initialConfiguration: options.initialConfiguration), config: shellConfig)
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
        // The node's one timer: the shell's tick (elections, heartbeats, request and relay
        // deadlines), then the membership duties (join and transfer retries, promotions).
        ticker = loop.scheduleRepeatedTask(initialDelay: .milliseconds(Int64(options.tickMilliseconds)), delay: .milliseconds(Int64(options.tickMilliseconds))) { [self] _ in
            guard !stopped else { return }
            perform(shell.tick(now: Self.monotonicMillis()))
            membershipTick(now: .now())
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
        _ = perform(shell.stop())
        for (_, r) in requests { r.reply(e) }  // none should be left; never a hang
        requests = [:]
    }

    // MARK: inputs

    func receive(_ m: Message) {
        guard !stopped else { return }
        guard m.to == options.id else {
            logger.debug("dropping a message addressed to \(m.to)")
            return
        }
        if case .installSnapshot = m.body {
            perform(shell.installSnapshotArrived(m))  // held until its file is in
        } else {
            shell.step(m)
        }
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
        guard !stopped else { return }
        let before = shell.readiesFinished
        perform(shell.ready(now: Self.monotonicMillis()), finishedBefore: before)
    }

    func fatalStorage(_ error: any Error) {
        // A node that cannot persist must not acknowledge anything (Figure 2): stop at once.
        logger.critical("storage failed, stopping: \(error)")
        exit(70)
    }

    /// After a Ready is finished: show the new state, and go on if more is ready.
    func readyFinished() {
        publishStatus()
        if shell.hasWork { scheduleReady() }
    }

    func softStateChanged(_ ss: SoftState) {
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
        // A write proposed here while leading was answered by the shell as this node stepped
        // down (outcome unknown); reads of rounds it led are dropped by the core.
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
        metrics.observe(r, applied: shell.stateMachineIndex)
        status.update {
            $0.role = r.role
            $0.term = r.term
            $0.leader = r.leader
            $0.commitIndex = r.commitIndex
            $0.appliedIndex = shell.stateMachineIndex  // what reads see (the core's runs ahead while a Ready persists)
            $0.lastIndex = r.lastIndex
            $0.members = r.configuration.members.sorted()
            $0.keyCount = keys
            $0.expiringKeyCount = expiring
        }
    }
}

/// The application's callbacks: the role ones are called on the node's loop; onStart at the
/// end of `start()` and onShutdown at the end of a graceful shutdown, on the caller's task.
struct RoleCallbacks: Sendable {
    var onLeader: (@Sendable () -> Void)?
    var onFollower: (@Sendable () -> Void)?
    var onCandidate: (@Sendable () -> Void)?
    var onStart: (@Sendable () -> Void)?
    var onShutdown: (@Sendable () -> Void)?

    func fire(_ which: KeyPath<RoleCallbacks, (@Sendable () -> Void)?>) {
        self[keyPath: which]?()
    }
}
