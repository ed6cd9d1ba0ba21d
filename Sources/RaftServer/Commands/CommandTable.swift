import KeyValueStore

/// Every command a client can send, in one table: the node's own commands (`NodeCommand.all`)
/// and the key-value store's, built-in and the application's (`CommandRegistry`). A request is
/// resolved here once, on its connection; the unknown-command and wrong-arity errors, COMMAND
/// COUNT/LIST/INFO/DOCS all come from this table.
struct CommandTable: Sendable {
    /// The data commands, as the state machine holds them (it resolves log entries with it).
    let registry: CommandRegistry
    /// Every entry once, in name order (COMMAND, COMMAND LIST, COUNT, DOCS).
    let entries: [Entry]
    /// Lower- and upper-case spellings of every name: most clients send one or the other, so
    /// the usual lookup needs no lower-casing.
    private let byName: [ByteKey: Entry]

    init(registry: CommandRegistry) {
        self.registry = registry
        var byName: [ByteKey: Entry] = [:]
        func add(_ e: Entry) {
            byName[ByteKey(Array(e.name.utf8))] = e
            byName[ByteKey(Array(e.name.uppercased().utf8))] = e
        }
        for c in registry.commands {
            var flags: CommandFlags = switch c.kind {
            case .write: [.write]
            case .read: [.readonly]
            case .admin: [.admin]
            }
            guard let doc = RedisCommandDoc.rows[c.name] else {
                // An application's command, or one of the node's own data commands (CAS, the tree).
                add(Entry(
                    name: c.name, arity: c.arity, flags: flags, route: .data(c), group: "generic", since: Self.dataCommandsSince,
                    summary: c.kind == .write ? "A replicated write (applied on every replica in log order)." : "A read of the replicated state."))
                continue
            }
            if doc.fast { flags.insert(.fast) }
            if doc.keys.movable { flags.insert(.movableKeys) }
            if RedisCommandDoc.blocking.contains(c.name) { flags.insert(.blocking) }
            add(Entry(name: c.name, arity: c.arity, flags: flags, route: .data(c), group: doc.group, since: doc.since, summary: doc.summary, keys: doc.keys))
        }
        // The node's commands win over a data command of the same name (RaftServer.register
        // refuses such names; a registry handed in directly may still hold one, e.g. PING as admin).
        for row in NodeCommand.all {
            add(Entry(name: row.name, arity: row.arity, flags: row.flags, route: .node(row.command), group: row.group, since: row.since,
                      summary: row.summary, keys: RedisCommandDoc.rows[row.name]?.keys ?? .none))
        }
        self.byName = byName
        var seen = Set<String>()
        self.entries = byName.values.filter { seen.insert($0.name).inserted }.sorted { $0.name < $1.name }
    }

    /// COMMAND DOCS' `since` of a data command: the registry does not record when a command came
    /// to be, so it is this node's first version (the one INFO reports as raft_node_version).
    static let dataCommandsSince = "raft-node 0.1.0"

    /// True when `name` (any case) is one of the node's own commands.
    static func isNodeCommand(_ name: String) -> Bool {
        let lower = name.lowercased()
        return NodeCommand.all.contains { $0.name == lower }
    }

    /// The entry named `name` in any case, or nil.
    func entry(named name: [UInt8]) -> Entry? {
        if let e = byName[ByteKey(name)] { return e }
        guard name.contains(where: { $0 >= 65 && $0 <= 90 }) else { return nil }
        return byName[ByteKey(name.map { $0 >= 65 && $0 <= 90 ? $0 | 0x20 : $0 })]
    }

    /// The command `arguments` asks for, checked for arity, or Redis's exact error
    /// ("ERR unknown command 'x', with args beginning with: ...", "ERR wrong number of
    /// arguments for 'x' command").
    func resolve(_ arguments: [[UInt8]]) -> Result<ResolvedCommand, CommandError> {
        guard let first = arguments.first else { return .failure(CommandError("ERR empty command")) }
        guard let entry = entry(named: first) else { return .failure(CommandRegistry.unknownCommand(arguments)) }
        guard entry.acceptsArgumentCount(arguments.count) else { return .failure(.wrongArity(entry.name)) }
        return .success(ResolvedCommand(entry: entry, arguments: arguments))
    }
}
