#if canImport(Glibc)
import Glibc
#endif
import KeyValueStore
import NIOCore
import RESP
import RaftCore

/// The client port's command handler: node-level commands are answered here, on the
/// connection's loop; data commands hop to the node's loop and go through Raft.
struct NodeCommandHandler: ClientCommandHandler {
    let server: RaftServer
    let driver: NodeDriver
    /// A copy of the driver's command table, so commands are classified on the connection's
    /// loop without touching the node's loop.
    let registry: CommandRegistry
    let orderings: ConnectionOrderings
    let startedAt = clock_gettime_realtime_millis()

    func handle(_ arguments: [[UInt8]], context: ClientRequestContext) -> EventLoopFuture<RESPValue> {
        let loop = context.connection.eventLoop
        guard let first = arguments.first else { return loop.makeSucceededFuture(.error("ERR empty command")) }
        // A connection inside MULTI or subscribed (RESP2) follows the rules of that mode first.
        if let session = context.session as? ConnectionSession, session.queued != nil || session.subscriptionCount > 0 {
            let name = String(decoding: first, as: UTF8.self).lowercased()
            if session.queued != nil, name != "exec", name != "discard" {
                return loop.makeSucceededFuture(queueInMulti(arguments, name: name, session: session, context: context))
            }
            if let refusal = subscribedModeRefusal(name, session: session, context: context) {
                return loop.makeSucceededFuture(refusal)
            }
            if name == "ping", session.subscriptionCount > 0, context.protocolVersion == .resp2 {
                return loop.makeSucceededFuture(subscribedPing(arguments))
            }
        }
        // Data commands, the hot path, skip the node-command switch and its string conversions.
        // (So a registered command named like a node command would hide it: RaftServer.register.)
        if case .success(let command) = registry.lookup(arguments), command.kind != .admin {
            if command.kind == .write, command.name.utf8.first == UInt8(ascii: "b"), BlockingCommands.isBlocking(command.name) {
                return blockingCommand(arguments, context: context)
            }
            return orderings.ordering(for: context.connection.id, on: loop, driver: driver).schedule(command.kind, arguments)
        }
        let name = String(decoding: first, as: UTF8.self).lowercased()
        let args = arguments.dropFirst().map { String(decoding: $0, as: UTF8.self) }
        switch name {
        case "ping":
            guard args.count <= 1 else { return loop.makeSucceededFuture(arity("ping")) }
            return loop.makeSucceededFuture(args.isEmpty ? .simpleString("PONG") : .bulkString(arguments[1]))
        case "echo":
            guard args.count == 1 else { return loop.makeSucceededFuture(arity("echo")) }
            return loop.makeSucceededFuture(.bulkString(arguments[1]))
        case "quit":
            context.closeAfterReply()
            return loop.makeSucceededFuture(.ok)
        case "select":
            guard args.count == 1 else { return loop.makeSucceededFuture(arity("select")) }
            guard let n = Int(args[0]) else { return loop.makeSucceededFuture(.error("ERR value is not an integer or out of range")) }
            return loop.makeSucceededFuture(n == 0 ? .ok : .error("ERR DB index is out of range"))
        case "hello":
            return loop.makeSucceededFuture(hello(args, context: context))
        case "time":
            let ms = clock_gettime_realtime_millis()
            var ts = timespec()
            clock_gettime(CLOCK_REALTIME, &ts)
            _ = ms
            return loop.makeSucceededFuture(.array([.bulk(String(ts.tv_sec)), .bulk(String(ts.tv_nsec / 1000))]))
        case "command":
            return loop.makeSucceededFuture(command(args))
        case "config":
            return loop.makeSucceededFuture(config(args))
        case "client":
            return loop.makeSucceededFuture(client(args, context: context))
        case "info":
            return loop.makeSucceededFuture(.bulk(info(section: args.first?.lowercased())))
        case "auth":
            return loop.makeSucceededFuture(.ok)
        case "multi", "exec", "discard", "watch", "unwatch":
            return transactionCommand(arguments, name: name, context: context)
        case "subscribe", "unsubscribe", "psubscribe", "punsubscribe":
            return loop.makeSucceededFuture(subscriptionCommand(arguments, name: name, context: context))
        case "pubsub":
            return loop.makeSucceededFuture(pubsubCommand(arguments))
        case "checkpoint":
            return driver.loop.flatSubmit { driver.checkpoint().map { .integer(Int64($0.rawValue)) } }
        case "getdump":
            return driver.loop.submit { .bulk(driver.dump()) }
        case "getlog":
            return driver.loop.submit { .array(driver.logLines(limit: args.first.flatMap { Int($0) } ?? 1000).map { .bulk($0) }) }
        case _ where NodeDriver.membershipCommandNames.contains(name):  // RAFT.ADD, RAFT.STATUS, ...
            return driver.loop.flatSubmit { [driver] in driver.submit(arguments) }
        default:
            let driver = self.driver
            let kind: CommandKind
            switch registry.lookup(arguments) {
            case .failure(let error): return loop.makeSucceededFuture(error.reply)
            case .success(let command): kind = command.kind
            }
            // Node commands are answered above; one the node does not know is never proposed.
            guard kind != .admin else { return loop.makeSucceededFuture(NodeDriver.notReplicated(arguments)) }
            return orderings.ordering(for: context.connection.id, on: loop, driver: driver).schedule(kind, arguments)
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
            case "AUTH" where i + 2 < args.count: i += 3  // no passwords are configured: any is accepted, like Redis's nopass default user
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

    /// The commands this handler answers itself, beside the data commands of the registry.
    static let nodeCommandNames: Set<String> = [
        "ping", "echo", "quit", "select", "hello", "time", "command", "config", "client", "info", "auth",
        "checkpoint", "getdump", "getlog", "multi", "exec", "discard", "watch", "unwatch",
        "subscribe", "unsubscribe", "psubscribe", "punsubscribe", "pubsub",
    ]

    private func command(_ args: [String]) -> RESPValue {
        switch args.first?.lowercased() {
        case nil: return .array([])
        case "count": return .integer(Int64(Set(registry.commandNames).union(Self.nodeCommandNames).union(NodeDriver.membershipCommandNames).count))
        case "docs": return .map([])
        case "info": return .array(args.dropFirst().map { _ in .nullBulk })
        case "list": return .array(Set(registry.commandNames).union(Self.nodeCommandNames).union(NodeDriver.membershipCommandNames).sorted().map { .bulk($0) })
        default: return .error("ERR unknown subcommand '\(args[0])'. Try COMMAND HELP.")
        }
    }

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

    func info(section: String?) -> String {
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
        for (name, fields) in sections where section == nil || section == "all" || section == "everything" || section == name.lowercased() {
            if !out.isEmpty { out += "\r\n" }
            out += "# \(name)\r\n"
            for (k, v) in fields { out += "\(k):\(v)\r\n" }
        }
        return out
    }
}
