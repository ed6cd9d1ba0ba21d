#if canImport(Glibc)
import Glibc
#endif
import KeyValueStore
import ClientProtocol
import NIOCore
import RESP
import RaftCore

/// The client port's command handler: each request is resolved once from the `CommandTable`,
/// checked against the `CommandPolicy`, then run: node commands here, on the connection's
/// loop (or the node's, for CHECKPOINT and the like); data commands hop to the node's loop in
/// the connection's order and go through Raft.
struct NodeCommandHandler: Sendable {
    let server: RaftServer
    let driver: NodeDriver
    /// The node's command table (the driver holds the same one).
    let table: CommandTable
    let policy: CommandPolicy
    let startedAt = clock_gettime_realtime_millis()
    /// Redis's encoding parameters, as CONFIG SET last set them (they change nothing here).
    let tuning = TuningParameters()

    /// A new connection's session (its ordering runs on `loop`, the connection's).
    func session(on loop: any EventLoop) -> ClientSession {
        ClientSession(ordering: ConnectionOrdering(loop: loop, driver: driver))
    }

    /// Answers one request through `context.reply`. A data command (the hot path: SET, GET...)
    /// costs no future: the connection's ordering calls back with its reply.
    func handle(_ arguments: [[UInt8]], session: ClientSession, context: ClientRequestContext) {
        let command: ResolvedCommand
        switch table.resolve(arguments) {
        case .failure(let error):
            if session.queued != nil { session.queueFailed = true }  // Redis flags the transaction
            return context.reply(error.reply)
        case .success(let c): command = c
        }
        if let refusal = policy.refusal(for: command, authenticated: session.authenticated, admin: session.admin) { return context.reply(refusal) }
        // Inside MULTI commands are queued; a RESP2 subscriber may only (un)subscribe, PING, QUIT.
        if session.queued != nil || session.subscriptionCount > 0, let reply = modeReply(command, session: session, context: context) {
            return context.reply(reply)
        }
        // Counted while in flight, so a graceful shutdown waits for the accepted ones.
        let operations = policy.operations
        operations.requestStarted()
        switch command.entry.route {
        case .data(let data):
            // A data command of kind admin (a registry handed in directly) is never proposed.
            if data.kind == .admin {
                operations.requestFinished()
                context.reply(NodeDriver.notReplicated(arguments))
            } else if data.kind == .write, data.name.utf8.first == UInt8(ascii: "b"), BlockingCommands.isBlocking(data.name) {
                answer(context, blockingCommand(command, session: session, context: context), operations)
            } else {
                session.ordering.schedule(data.kind, command) { reply in
                    operations.requestFinished()
                    context.reply(reply)
                }
            }
        case .node(let node):
            answer(context, run(node, command, session: session, context: context), operations)
        }
    }

    /// Answers with what `future` completes with, and counts the request finished.
    private func answer(_ context: ClientRequestContext, _ future: EventLoopFuture<RESPValue>, _ operations: ServerOperations) {
        future.whenComplete { _ in operations.requestFinished() }
        context.reply(with: future)
    }

    /// Runs one of the node's own commands. A new node command is a case here (and a row in
    /// `NodeCommand.all`).
    private func run(_ node: NodeCommand, _ command: ResolvedCommand, session: ClientSession, context: ClientRequestContext) -> EventLoopFuture<RESPValue> {
        let loop = context.connection.eventLoop
        let arguments = command.arguments
        let args = arguments.dropFirst().map { String(decoding: $0, as: UTF8.self) }
        switch node {
        case .ping:
            guard args.count <= 1 else { return loop.makeSucceededFuture(arity("ping")) }
            return loop.makeSucceededFuture(args.isEmpty ? .simpleString("PONG") : .bulkString(arguments[1]))
        case .echo:
            return loop.makeSucceededFuture(.bulkString(arguments[1]))
        case .quit:
            context.closeAfterReply()
            return loop.makeSucceededFuture(.ok)
        case .select:
            guard let n = Int(args[0]) else { return loop.makeSucceededFuture(.error("ERR value is not an integer or out of range")) }
            return loop.makeSucceededFuture(n == 0 ? .ok : .error("ERR DB index is out of range"))
        case .hello:
            if let refusal = helloAuth(Array(arguments.dropFirst()), session: session) { return loop.makeSucceededFuture(refusal) }
            return loop.makeSucceededFuture(hello(args, context: context))
        case .time:
            var ts = timespec()
            clock_gettime(CLOCK_REALTIME, &ts)
            return loop.makeSucceededFuture(.array([.bulk(String(ts.tv_sec)), .bulk(String(ts.tv_nsec / 1000))]))
        case .command:
            return loop.makeSucceededFuture(self.command(Array(arguments.dropFirst())))
        case .config:
            return loop.makeSucceededFuture(config(args))
        case .client:
            return loop.makeSucceededFuture(client(args, context: context))
        case .info:
            return loop.makeSucceededFuture(.bulk(info(sections: args.map { $0.lowercased() })))
        case .auth:
            return loop.makeSucceededFuture(auth(Array(arguments.dropFirst()), session: session))
        case .checkpoint:
            return checkpoint(args)  // NodeCommandHandler+Shutdown.swift
        case .shutdown:
            return shutdown(args, context: context)  // NodeCommandHandler+Shutdown.swift
        case .getdump:
            return driver.loop.submit { .bulk(driver.dump()) }
        case .getlog:
            return driver.loop.submit { .array(driver.logLines(limit: args.first.flatMap { Int($0) } ?? 1000).map { .bulk($0) }) }
        case .multi, .exec, .discard, .watch, .unwatch:
            return transactionCommand(node, command, session: session, context: context)
        case .subscribe, .unsubscribe, .psubscribe, .punsubscribe:
            return loop.makeSucceededFuture(subscriptionCommand(command, session: session, context: context))
        case .pubsub:
            return loop.makeSucceededFuture(pubsubCommand(arguments))
        case .role:
            return driver.loop.submit { [driver] in driver.roleReply() }
        case .membership:  // RAFT.ADD, RAFT.STATUS, ...
            return driver.loop.flatSubmit { [driver] in driver.submit(command) }
        }
    }

    private func arity(_ name: String) -> RESPValue { .error("ERR wrong number of arguments for '\(name)' command") }

    // HELLO [protover [AUTH username password] [SETNAME clientname]] (Redis 6+).
    private func hello(_ args: [String], context: ClientRequestContext) -> RESPValue {
        var version = context.protocolVersion
        var i = 0
        if let first = args.first {
            guard let v = Int(first) else { return .error("ERR Protocol version is not an integer or out of range") }
            guard let parsed = RESPVersion(rawValue: v) else { return .error("NOPROTO unsupported protocol version") }
            version = parsed
            i = 1
        }
        while i < args.count {
            switch args[i].uppercased() {
            case "AUTH" where i + 2 < args.count: i += 3  // checked by helloAuth before this runs
            case "SETNAME" where i + 1 < args.count: i += 2
            default: return .error("ERR Syntax error in HELLO option '\(args[i])'")
            }
        }
        context.setProtocolVersion(version)
        let s = server.status
        return .map([
            .init(.bulk("server"), .bulk("redis")),
            .init(.bulk("version"), .bulk(Self.redisVersion)),
            .init(.bulk("proto"), .integer(Int64(version.rawValue))),
            .init(.bulk("id"), .integer(Int64(context.connection.id))),
            .init(.bulk("mode"), .bulk("standalone")),
            .init(.bulk("role"), .bulk(s.role == .leader ? "master" : "replica")),
            .init(.bulk("modules"), .array([])),
        ])
    }

    static let redisVersion = "7.2.0"

    private func config(_ args: [String]) -> RESPValue {
        switch args.first?.lowercased() {
        case "get":
            guard args.count >= 2 else { return arity("config|get") }
            let known = configParameters
            var out: [RESPValue.Pair] = []
            for pattern in args.dropFirst() {
                for (k, v) in known where Glob.match(Array(pattern.lowercased().utf8), Array(k.utf8)) {
                    out.append(.init(.bulk(k), .bulk(v)))
                }
            }
            return .map(out)
        case "set":
            return configSet(Array(args.dropFirst()))
        case "resetstat":
            return .ok  // no statistics are kept: nothing to reset
        case "rewrite":
            return .error("ERR The server is running without a config file")
        default:
            return .error("ERR unknown subcommand or wrong number of arguments for 'config'")
        }
    }

    private func client(_ args: [String], context: ClientRequestContext) -> RESPValue {
        switch args.first?.lowercased() {
        case "id": return .integer(Int64(context.connection.id))
        case "getname": return .nullBulk
        case "setname", "setinfo", "no-evict", "no-touch", "reply": return .ok
        case "info": return .bulk("id=\(context.connection.id) addr=\(context.connection.remoteAddress.map { "\($0)" } ?? "?") db=0\n")
        default: return .error("ERR unknown subcommand '\(args.first ?? "")'")
        }
    }

    /// INFO [section [section ...]]: no section, `default`, `all` or `everything` give every
    /// section; names are matched case-insensitively, unknown ones give nothing (as in Redis).
    func info(sections wanted: [String]) -> String {
        let everything = wanted.isEmpty || wanted.contains { ["all", "everything", "default"].contains($0) }
        let s = server.status
        let o = server.options
        var sections: [(String, [(String, String)])] = []
        let uptime = (clock_gettime_realtime_millis() - startedAt) / 1000
        sections.append(("Server", [
            ("redis_version", Self.redisVersion), ("raft_node_version", "0.1.0"), ("redis_mode", "standalone"),
            ("os", "Linux"), ("arch_bits", String(MemoryLayout<Int>.size * 8)), ("process_id", String(getpid())),
            ("tcp_port", String(o.clientAddress.port)), ("uptime_in_seconds", String(uptime)),
        ]))
        sections.append(("Clients", [("connected_clients", String(server.connectedClients))]))
        sections.append(("Persistence", [("loading", "0"), ("aof_enabled", "0")]))
        sections.append(("Replication", [("role", s.role == .leader ? "master" : "slave")]))
        sections.append(("Cluster", [("cluster_enabled", "0")]))
        sections.append(("Keyspace", s.keyCount > 0 ? [("db0", "keys=\(s.keyCount),expires=\(s.expiringKeyCount),avg_ttl=0")] : []))
        sections.append(("Raft", [
            ("id", s.id.rawValue), ("role", s.role.rawValue), ("term", s.term.description),
            ("leader", s.leader?.rawValue ?? ""), ("commit_index", s.commitIndex.description),
            ("applied_index", s.appliedIndex.description), ("last_index", s.lastIndex.description),
            ("members", s.members.map(\.rawValue).joined(separator: ",")),
            ("read_mode", o.readMode.rawValue), ("fsync", o.fsync.rawValue),
        ]))
        var out = ""
        for (name, fields) in sections where everything || wanted.contains(name.lowercased()) {
            if !out.isEmpty { out += "\r\n" }
            out += "# \(name)\r\n"
            for (k, v) in fields { out += "\(k):\(v)\r\n" }
        }
        return out
    }
}
