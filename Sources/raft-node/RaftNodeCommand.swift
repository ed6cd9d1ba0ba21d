// raft-node: a Raft-replicated key-value node speaking the Redis protocol (pyraft-compatible CLI).
#if canImport(Glibc)
import Glibc
#endif
import ArgumentParser
import Logging
import RaftCore
import RaftServer
import ServiceLifecycle

@main
struct RaftNodeCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "raft-node",
        abstract: "A Raft-replicated key-value node speaking the Redis protocol (RESP).",
        discussion: """
            Clients connect to -a IP:PORT with any Redis client; peers talk Raft on PORT+1.
            Without -e the node is the leader of a one-node cluster. With -e, give the same
            ensemble to every founding node, e.g.
              raft-node -a 127.0.0.1:7379 -i 1 -e 1/127.0.0.1:7379,2/127.0.0.1:7381,3/127.0.0.1:7383
            An -e that does not list this node joins a running cluster through any member it
            names (pyraft's flow), unless the node restarts with state in --data-dir:
              raft-node -a 127.0.0.1:7381 -i 2 -e 127.0.0.1:7379
            """,
        subcommands: [DumpSnapshot.self, UnsafeFaultsHelp.self]
    )

    /// `raft-node help unsafe-faults` prints the unsafe switches one per line, unwrapped (the
    /// hidden subcommand's generated help would wrap them); everything else is ArgumentParser's.
    static func main() async {
        if Array(CommandLine.arguments.dropFirst()) == ["help", "unsafe-faults"] {
            UnsafeFaultsHelp.printListing()
            return
        }
        await main(nil)
    }

    @Option(name: [.customShort("a"), .customLong("addr")], help: ArgumentHelp("Client address to listen on; peers use PORT+1.", valueName: "IP:PORT"))
    var address: String?

    @Option(name: [.customShort("i"), .customLong("id")], help: ArgumentHelp("This node's id (default: its -a address).", valueName: "NODE_ID"))
    var id: String?

    @Option(name: [.customShort("e"), .customLong("ensemble")], help: ArgumentHelp("Founding members, comma-separated ID/IP:PORT or bare IP:PORT (client addresses), this node included; without this node: members to join through.", valueName: "ENSEMBLE"))
    var ensemble: String?

    @Flag(name: [.customShort("o"), .customLong("overwrite-peer")], help: "When joining, replace a member that has this node's id at another address (pyraft's -o).")
    var overwritePeer = false

    @Option(name: [.customShort("l"), .customLong("load")], help: ArgumentHelp("Start from this snapshot file (as pyraft), then any later log in --data-dir.", valueName: "SNAPSHOT_FILE"))
    var snapshotFile: String?

    @Option(name: .customLong("data-dir"), help: ArgumentHelp("Directory for the log and snapshots, locked against a second node (default: ./raft-node-<id>).", valueName: "DIR"))
    var dataDirectory: String?

    @Flag(name: .customLong("in-memory"), help: "Keep the log and snapshots in memory only (UNSAFE for a voter that restarts: it comes back empty and may vote twice in a term).")
    var inMemory = false

    @Option(name: .customLong("peer-via"), help: ArgumentHelp("Dial this address to reach peer ID's peer port (e.g. a relay); repeatable.", valueName: "ID=IP:PORT"))
    var peerVia: [String] = []

    @Option(name: .customLong("read-mode"), help: ArgumentHelp("linearizable (ReadIndex) or local (fast, may be stale).", valueName: "MODE"))
    var readMode: String = "linearizable"

    @Option(name: .customLong("fsync"), help: ArgumentHelp("always (sync each batch before acknowledging) or never (UNSAFE: a crash or power loss can lose acknowledged writes and votes; for tests and benchmarks).", valueName: "POLICY"))
    var fsync: String = "always"

    @Option(name: .customLong("log-max"), help: ArgumentHelp("Snapshot and compact the log every N applied entries.", valueName: "N"))
    var logMax: Int = 100_000

    @Option(name: .customLong("tick-ms"), help: ArgumentHelp("Length of one Raft tick in milliseconds.", valueName: "MS"))
    var tickMilliseconds: Int = RaftServerOptions.defaultTickMilliseconds

    @Option(name: .customLong("election-ticks"), help: ArgumentHelp("Election timeout in ticks (randomized up to twice that).", valueName: "N"))
    var electionTicks: Int = RaftServerOptions.defaultElectionTicks

    @Option(name: .customLong("leader-wait-ms"), help: ArgumentHelp("How long a request that arrives during an election waits for a leader before it gets CLUSTERDOWN (0: at once).", valueName: "MS"))
    var leaderWaitMilliseconds: Int = 1_000

    // pyraft spells these with one dash (-loglevel, -logfile); both spellings are accepted.
    @Option(name: [.customLong("log-level"), .customLong("loglevel", withSingleDash: true)], help: ArgumentHelp("trace, debug, info, notice, warning, error or critical (pyraft's fatal = critical).", valueName: "LEVEL"))
    var logLevel: String = "info"

    @Option(name: [.customLong("log-file"), .customLong("logfile", withSingleDash: true)], help: ArgumentHelp("Append log lines to this file instead of stderr.", valueName: "FILE"))
    var logFile: String?

    @OptionGroup(title: "Operations and security") var operations: OperationsFlags

    @OptionGroup(visibility: .private) var unsafe: UnsafeFaultFlags  // UnsafeFaultFlags.swift: never in --help

    func validate() throws {
        // -a is checked in run(): a parent's validate() also runs for `raft-node dump-snapshot`.
        guard address != nil else { return }
        do {
            _ = try makeOptions()
        } catch let e as NodeOptionError {
            throw ValidationError(e.description)
        }
        guard Self.level(logLevel) != nil else {
            throw ValidationError("--log-level '\(logLevel)' is not one of trace, debug, info, notice, warning, error, critical (or pyraft's fatal)")
        }
    }

    /// swift-log's level names, plus pyraft's `fatal`.
    static func level(_ name: String) -> Logger.Level? {
        name.lowercased() == "fatal" ? .critical : Logger.Level(rawValue: name.lowercased())
    }

    func makeOptions() throws -> RaftServerOptions {
        guard let address else { throw NodeOptionError("missing -a IP:PORT (the client address to listen on)") }
        let client = try NodeAddress(parsing: address)
        guard let mode = RaftServerOptions.ReadMode(rawValue: readMode) else {
            throw NodeOptionError("--read-mode '\(readMode)' must be linearizable or local")
        }
        guard let policy = RaftServerOptions.FsyncPolicy(rawValue: fsync) else {
            throw NodeOptionError("--fsync '\(fsync)' must be always or never")
        }
        guard logMax > 0 else { throw NodeOptionError("--log-max must be positive") }
        if inMemory && dataDirectory != nil { throw NodeOptionError("--in-memory and --data-dir exclude each other") }
        guard (1...60_000).contains(tickMilliseconds) else { throw NodeOptionError("--tick-ms must be between 1 and 60000") }
        guard electionTicks >= 2 else { throw NodeOptionError("--election-ticks must be at least 2") }
        guard (0...60_000).contains(leaderWaitMilliseconds) else { throw NodeOptionError("--leader-wait-ms must be between 0 and 60000") }
        var members = try ensemble.map { try RaftServerOptions.parseEnsemble($0) } ?? [:]
        var via: [NodeID: NodeAddress] = [:]
        for v in peerVia {
            let (peer, a) = try RaftServerOptions.parsePeerVia(v)
            via[peer] = a
        }
        let me = NodeID(id ?? client.description)
        let dataDirectory = inMemory ? nil : (self.dataDirectory ?? DefaultDataDirectory.path(for: me))
        if let listed = members[me], listed != client {
            throw NodeOptionError("the ensemble lists this node (\(me)) at \(listed), but -a is \(client)")
        }
        // A bare IP:PORT ensemble names nodes by address; this node is found by its address.
        if id != nil, let byAddress = members.first(where: { $0.value == client && $0.key != me }) {
            throw NodeOptionError("the ensemble lists \(client) as node '\(byAddress.key)', but -i is '\(me)'")
        }
        if RaftServerOptions.isJoin(ensemble: members, id: me, address: client) {
            if snapshotFile != nil {
                throw NodeOptionError("-l cannot be used when joining a cluster (-e without this node): the leader sends its snapshot to a new member")
            }
            var o = RaftServerOptions(
                id: me, clientAddress: client, peerVia: via, readMode: mode, fsync: policy, dataDirectory: dataDirectory,
                logMaxEntries: logMax, tickMilliseconds: tickMilliseconds, electionTicks: electionTicks)
            o.join = members.values.sorted { $0.description < $1.description }
            o.joinEnsemble = members
            o.overwritePeer = overwritePeer
            o.leaderWaitMilliseconds = leaderWaitMilliseconds
            try operations.apply(to: &o)  // OperationsFlags.swift
            try unsafe.apply(to: &o)
            return o
        }
        members[me] = client
        for peer in via.keys where members[peer] == nil {
            throw NodeOptionError("--peer-via names '\(peer)', which is not in the ensemble")
        }
        var options = RaftServerOptions(
            id: me, clientAddress: client, ensemble: members.count > 1 ? members : [:], peerVia: via,
            readMode: mode, fsync: policy, dataDirectory: dataDirectory, logMaxEntries: logMax,
            tickMilliseconds: tickMilliseconds, electionTicks: electionTicks)
        options.snapshotFile = snapshotFile
        options.leaderWaitMilliseconds = leaderWaitMilliseconds
        try operations.apply(to: &options)  // OperationsFlags.swift
        try unsafe.apply(to: &options)
        return options
    }

    func run() async throws {
        GlibcMalloc.fixMmapThreshold()  // freed big blocks go back to the kernel (GlibcMalloc.swift)
        let options: RaftServerOptions
        do {
            options = try makeOptions()
        } catch let e as NodeOptionError {
            throw ValidationError(e.description)
        }
        let sink: LogSink
        if let logFile {
            guard let f = fopen(logFile, "a") else {
                throw ValidationError("cannot open --log-file '\(logFile)': \(String(cString: strerror(errno)))")
            }
            sink = LogSink(file: f)
        } else {
            sink = LogSink(file: fdopen(2, "a"))
        }
        let source = NodeStatusSource(fallbackID: options.id.rawValue)
        let level = Self.level(logLevel) ?? .info
        LoggingSystem.bootstrap { _ in PyraftLogHandler(source: source, sink: sink, logLevel: level) }
        let logger = Logger(label: "raft-node")
        if let dir = options.dataDirectory {
            logger.info("data directory \(dir)\(self.dataDirectory == nil ? " (the default; --data-dir chooses another, --in-memory keeps none)" : "")")
        } else {
            logger.warning("--in-memory: the log and snapshots are kept in memory only; a restart comes back empty")
        }
        operations.bootstrapMetrics()
        for warning in UnsafeFaultFlags.warnings(options.unsafeFaults) {
            logger.critical("\(warning)")
            if logFile != nil { LogSink.standardError("raft-node: \(warning)\n") }
        }
        let server = RaftServer(options: options, logger: logger)
        source.attach(server)
        do {
            try await server.start()
        } catch {
            logger.critical("\(error)")
            LogSink.standardError("raft-node: \(error)\n")
            await server.shutdown()
            throw ExitCode(1)
        }
        // The node runs as a Service in a ServiceGroup (swift-service-lifecycle): SIGTERM and SIGINT
        // shut it down gracefully (hand-over first), after which the group returns and we exit 0.
        // A second signal meanwhile exits at once (`exitOnRepeatedSignal`, ShutdownSignals.swift).
        server.exitOnRepeatedSignal()
        let group = ServiceGroup(configuration: ServiceGroupConfiguration(
            services: [server.serviceConfiguration], gracefulShutdownSignals: [.sigterm, .sigint], logger: logger))
        try await group.run()
        logger.info("stopped")
    }
}
