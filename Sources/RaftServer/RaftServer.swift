#if canImport(Glibc)
import Glibc
#endif
import ClientProtocol
import KeyValueStore
import Logging
import NIOConcurrencyHelpers
import NIOCore
import NIOPosix
import NIOSSL
import RESP
import RaftCore
import RaftStorage
import ServiceLifecycle

/// A Raft-replicated key-value node speaking RESP on the client port and Raft on port+1.
///
/// An application creates one with options, registers its own commands and role callbacks,
/// then calls `run()` (or `start()`); `request(_:)` and `send(_:)` run commands through Raft
/// from inside the application, exactly as a client's would.
///
///     let server = RaftServer(options: options)
///     try server.register("counter.add", kind: .write, arity: 3) { c throws(CommandError) in
///         ...  // c.store, c.args, c.now: deterministic, runs on every replica in log order
///     }
///     server.onLeader { print("leading") }
///     try await server.run()
public final class RaftServer: Sendable {
    public let options: RaftServerOptions
    let logger: Logger
    let group: MultiThreadedEventLoopGroup
    let ioPool: NIOThreadPool
    let statusBox: StatusBox
    private let state = NIOLockedValueBox(MutableState())
    private let stopped: EventLoopPromise<Void>
    private let clientCount = NIOLockedValueBox(0)
    let operations = ServerOperations()

    /// Client connections open now.
    public var connectedClients: Int { clientCount.withLockedValue { $0 } }

    struct MutableState {
        var registry = CommandRegistry.builtin()
        var callbacks = RoleCallbacks()
        var driver: NodeDriver? = nil
        var clientListener: (any Channel)? = nil
        var extraListeners: [any Channel] = []
        var nextConnectionID: UInt64 = 1
        var shutDown = false
    }

    /// `eventLoopThreads` overrides `options.ioThreads`.
    public init(options: RaftServerOptions, logger: Logger = Logger(label: "raft-node"), eventLoopThreads: Int? = nil) {
        self.options = options
        self.logger = logger
        self.group = MultiThreadedEventLoopGroup(numberOfThreads: max(1, eventLoopThreads ?? options.ioThreads))
        // The node's one I/O pool: log fsyncs (one at a time: the shell holds the next Ready),
        // snapshot files written, received and copied. Two threads, so a snapshot being
        // serialized never holds up the fsync that acknowledges writes.
        self.ioPool = NIOThreadPool(numberOfThreads: 2)
        self.statusBox = StatusBox(RaftServerStatus(id: options.id))
        self.stopped = group.next().makePromise(of: Void.self)
    }

    // MARK: configuration, before start

    /// Adds (or replaces) a command in the node's command table, the one the built-in commands
    /// (KeyValueStore) live in, so clients call it like any Redis command. Call before `start()`.
    ///
    /// - `kind`: `.write` commands are replicated: `prepare` (optional) runs once on the leader
    ///   with its wall clock and may rewrite the arguments (turn a relative time into an absolute
    ///   one) or throw to refuse; then `handler` runs on every replica, in log order, and must
    ///   be deterministic (use `context.now`, never the clock or randomness). `.read` commands run
    ///   on the serving node after a ReadIndex and must not modify the store.
    /// - `arity`: Redis's rule, the name included: 3 means exactly `NAME a b`, -2 at least one
    ///   argument. Wrong counts and unknown options get Redis's error texts before any handler.
    /// - Throws for `.admin` (node-level commands are the node's own), for a node command's name
    ///   (PING, INFO, CONFIG, CLIENT, HELLO, RAFT.*...: one table holds both) and after `start()`.
    public func register(
        _ name: String, kind: CommandKind, arity: Int,
        prepare: CommandPreparer? = nil,
        handler: @escaping CommandHandler
    ) throws(NodeOptionError) {
        guard kind != .admin else { throw NodeOptionError("'\(name)': only read and write commands can be registered") }
        guard !CommandTable.isNodeCommand(name) else { throw NodeOptionError("'\(name)' is one of the node's own commands") }
        let registered = state.withLockedValue { s in
            guard s.driver == nil else { return false }
            s.registry.register(name, kind: kind, arity: arity, prepare: prepare, handler: handler)
            return true
        }
        guard registered else { throw NodeOptionError("'\(name)': register commands before start()") }
    }

    public func onLeader(_ body: @escaping @Sendable () -> Void) { state.withLockedValue { $0.callbacks.onLeader = body } }
    public func onFollower(_ body: @escaping @Sendable () -> Void) { state.withLockedValue { $0.callbacks.onFollower = body } }
    public func onCandidate(_ body: @escaping @Sendable () -> Void) { state.withLockedValue { $0.callbacks.onCandidate = body } }
    /// pyraft's on_start: called once both ports listen and the Raft clock runs (end of `start()`).
    public func onStart(_ body: @escaping @Sendable () -> Void) { state.withLockedValue { $0.callbacks.onStart = body } }
    /// pyraft's on_shutdown: called once, when a graceful shutdown (SIGTERM, SHUTDOWN, or
    /// `shutdown()`) has stopped the node, before `run()` returns.
    public func onShutdown(_ body: @escaping @Sendable () -> Void) { state.withLockedValue { $0.callbacks.onShutdown = body } }

    /// The node's current role, term, leader and indexes.
    public var status: RaftServerStatus { statusBox.value }

    // MARK: lifecycle

    /// Binds both ports and starts the Raft clock. Throws (with the address in the message)
    /// when a port cannot be bound.
    public func start() async throws {
        // A TLS configuration BoringSSL refuses stops the start before anything listens.
        let tls = try options.security.tls?.makeContexts()
        ioPool.start()
        let (registry, callbacks) = state.withLockedValue { ($0.registry, $0.callbacks) }
        let loop = group.next()
        let (persistence, recovered) = try openStorage()
        let driver = try NodeDriver(
            loop: loop, options: options, commands: CommandTable(registry: registry), persistence: persistence, recovered: recovered,
            ioPool: ioPool, callbacks: callbacks, status: statusBox, logger: logger)
        let transport = PeerTransport(
            loop: loop, myID: options.id, clusterSecret: options.security.clusterSecret, persistence: persistence, ioPool: ioPool, logger: logger,
            limits: options.security.peerLimits, metrics: driver.metrics, tls: tls?.peer)
        transport.delegate = driver
        transport.snapshots.sendRate = options.snapshotSendBytesPerSecond
        transport.snapshots.metrics = driver.metrics
        driver.transport = transport
        state.withLockedValue { $0.driver = driver }

        let peerAddress = options.clientAddress.peerAddress
        do {
            try await loop.flatSubmit { transport.bind(peerAddress) }.get()
        } catch {
            throw NodeOptionError("cannot listen for peers on \(peerAddress): \(error)")
        }
        var policy = CommandPolicy(password: options.security.requirePass.map { Array($0.utf8) }, operations: operations)
        policy.adminPassword = options.security.adminPass.map { Array($0.utf8) }
        let handler = NodeCommandHandler(server: self, driver: driver, table: driver.commands, policy: policy)
        let client: any Channel
        do {
            client = try await bindClientPort(options.clientListenAddress, handler: handler, tls: tls?.clientPort)
        } catch {
            _ = try? await loop.flatSubmit { transport.close() }.get()
            throw NodeOptionError("cannot listen for clients on \(options.clientAddress): \(error)")
        }
        state.withLockedValue { $0.clientListener = client }
        try await startMetricsEndpoint()
        try await loop.submit {
            driver.refreshPeerLinks()
            driver.start()
        }.get()
        let secured = tls.map { $0.clientPort != nil ? " (TLS)" : "" } ?? ""
        let peersSecured = tls?.peer != nil ? " (mutual TLS)" : ""
        logger.info("listening for clients on \(options.clientAddress)\(secured), peers on \(peerAddress)\(peersSecured); members \(driver.raft.configuration.members.sorted())")
        state.withLockedValue { $0.callbacks }.fire(\.onStart)
    }

    private func bindClientPort(_ address: NodeAddress, handler: NodeCommandHandler, tls: NIOSSLContext?) async throws -> any Channel {
        let logger = self.logger
        return try await ServerBootstrap(group: group)
            .serverChannelOption(.backlog, value: 512)
            .serverChannelOption(.socketOption(.so_reuseaddr), value: 1)
            .childChannelOption(.socketOption(.tcp_nodelay), value: 1)
            .childChannelOption(.allowRemoteHalfClosure, value: true)
            .childChannelInitializer { [self] channel in
                let id = state.withLockedValue { s in
                    defer { s.nextConnectionID += 1 }
                    return s.nextConnectionID
                }
                // The connection's session (AUTH, ordering) lives and dies with its handler.
                let connection = NodeClientConnection(node: handler, session: handler.session(on: channel.eventLoop))
                return channel.eventLoop.makeCompletedFuture {
                    if let tls { try channel.pipeline.syncOperations.addClientTLSHandler(context: tls) }
                    if options.protectsClientPort { try channel.pipeline.syncOperations.addHandler(ProtectedModeHandler()) }
                    try channel.pipeline.syncOperations.addHandler(ConnectionCounter(count: clientCount))
                    try channel.pipeline.syncOperations.addClientProtocolHandlers(
                        commandHandler: connection, configuration: .raftNode, connectionID: id, logger: logger)
                }
            }
            .bind(host: address.host, port: address.port).get()
    }

    /// Adds a listener on client port + `portOffset` (an application's own protocol).
    public func addListener(portOffset: Int, childChannelInitializer: @escaping @Sendable (any Channel) -> EventLoopFuture<Void>) async throws {
        let port = options.clientAddress.port + portOffset
        let channel = try await ServerBootstrap(group: group)
            .serverChannelOption(.socketOption(.so_reuseaddr), value: 1)
            .childChannelInitializer(childChannelInitializer)
            .bind(host: options.clientAddress.host, port: port).get()
        state.withLockedValue { $0.extraListeners.append(channel) }
    }

    /// Starts (unless `start()` was already called) and waits until `shutdown()`, which the
    /// graceful shutdown of the ServiceGroup running this node (RaftServer+Service.swift) or the
    /// cancellation of the calling task also starts; returns once the node has stopped.
    public func run() async throws {
        if state.withLockedValue({ $0.driver == nil }) { try await start() }
        try await withTaskCancellationOrGracefulShutdownHandler {
            try await stopped.futureResult.get()
        } onCancelOrGracefulShutdown: { [self] in
            Task { await shutdown() }
        }
    }

    public func shutdown() async {
        await shutdown(skippingHandover: false)
    }

    /// `skippingHandover`: SHUTDOWN NOW, which neither waits for in-flight requests nor hands
    /// leadership over (the log is still made durable).
    func shutdown(skippingHandover: Bool) async {
        let (driver, listeners, already) = state.withLockedValue { s -> (NodeDriver?, [any Channel], Bool) in
            defer { s.shutDown = true }
            return (s.driver, [s.clientListener].compactMap { $0 } + s.extraListeners, s.shutDown)
        }
        guard !already else { return }
        for l in listeners { try? await l.close() }
        if let driver { await drainAndHandOver(driver, skippingHandover: skippingHandover) }  // Operations/GracefulShutdown.swift
        if let driver {
            _ = try? await driver.loop.flatSubmit {
                driver.stop()
                return driver.transport.close()
            }.get()
        }
        state.withLockedValue { $0.callbacks }.fire(\.onShutdown)
        stopped.succeed(())
        try? await ioPool.shutdownGracefully()
        try? await group.shutdownGracefully()
    }

    // MARK: commands from the application

    /// Runs a data command (built-in or registered) through the node as a client would: writes
    /// go through Raft (forwarded to the leader from a follower), reads are linearizable unless
    /// `--read-mode local`. The reply is what a client would get, errors included. Node
    /// commands (PING, INFO, CONFIG...) belong to the client port and answer an error here.
    public func request(_ arguments: [String]) async throws -> RESPValue {
        try await request(bytes: arguments.map { Array($0.utf8) })
    }

    public func request(bytes arguments: [[UInt8]]) async throws -> RESPValue {
        guard let driver = state.withLockedValue({ $0.driver }) else { throw NodeOptionError("the server is not started") }
        return try await driver.loop.flatSubmit { driver.submit(arguments) }.get()
    }

    /// Fire and forget: the same as `request` without waiting for (or seeing) the reply.
    public func send(_ arguments: [String]) {
        guard let driver = state.withLockedValue({ $0.driver }) else { return }
        let bytes = arguments.map { Array($0.utf8) }
        driver.loop.execute { _ = driver.submit(bytes) }
    }
}
