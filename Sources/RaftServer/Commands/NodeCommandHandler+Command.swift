import KeyValueStore
import RESP

// COMMAND and its subcommands (Redis 7), answered from the command table, so what a client
// learns here is exactly what the node resolves: the count is the table's size, INFO's arity
// and flags are the ones the node checks.
extension NodeCommandHandler {
    func command(_ args: [[UInt8]]) -> RESPValue {
        guard let first = args.first else { return .array(table.entries.map(Self.info)) }
        let sub = String(decoding: first, as: UTF8.self).lowercased()
        let rest = Array(args.dropFirst())
        switch sub {
        case "count":
            guard rest.isEmpty else { return arityError("command|count") }
            return .integer(Int64(table.entries.count))
        case "info":
            if rest.isEmpty { return .array(table.entries.map(Self.info)) }
            return .array(rest.map { name in table.entry(named: name).map(Self.info) ?? .nullBulk })
        case "docs":
            let wanted = rest.isEmpty ? table.entries : rest.compactMap { table.entry(named: $0) }
            return .map(wanted.map { .init(.bulk($0.name), Self.docs($0)) })
        case "list":
            return list(rest)
        case "getkeys":
            guard !rest.isEmpty else { return arityError("command|getkeys") }
            return getKeys(rest)
        case "help":
            guard rest.isEmpty else { return arityError("command|help") }
            return .array(Self.help.map { .simpleString($0) })
        default:
            return .error("ERR unknown subcommand '\(String(decoding: first.prefix(128), as: UTF8.self))'. Try COMMAND HELP.")
        }
    }

    /// COMMAND LIST [FILTERBY PATTERN glob]: the names, in the table's order.
    private func list(_ args: [[UInt8]]) -> RESPValue {
        let names = table.entries.map(\.name)
        if args.isEmpty { return .array(names.map { .bulk($0) }) }
        guard args.count == 3, String(decoding: args[0], as: UTF8.self).lowercased() == "filterby",
              String(decoding: args[1], as: UTF8.self).lowercased() == "pattern"
        else { return .error("ERR syntax error") }
        return .array(names.filter { Glob.match(args[2], Array($0.utf8)) }.map { .bulk($0) })
    }

    /// COMMAND GETKEYS command [arg ...]: the key arguments of that command line, with Redis's
    /// error texts for an unknown command, a wrong argument count and a command without keys.
    private func getKeys(_ commandLine: [[UInt8]]) -> RESPValue {
        guard let entry = table.entry(named: commandLine[0]) else { return .error("ERR Invalid command specified") }
        guard entry.acceptsArgumentCount(commandLine.count) else { return .error("ERR Invalid number of arguments specified for command") }
        if entry.keys == .none { return .error("ERR The command has no key arguments") }
        guard let keys = entry.keys.keys(in: commandLine) else { return .error("ERR Invalid arguments specified for command") }
        return .array(keys.map { .bulkString($0) })
    }

    private func arityError(_ name: String) -> RESPValue { .error("ERR wrong number of arguments for '\(name)' command") }

    /// Redis 7's ten fields: name, arity, flags, first key, last key, key step, ACL categories,
    /// tips, key specifications, subcommands. Key positions are Redis's (`RedisCommandDoc`);
    /// a command whose keys follow a numkeys argument shows 0 0 0 and the movablekeys flag.
    static func info(_ e: CommandTable.Entry) -> RESPValue {
        let (first, last, step) = e.keys.infoTriple
        return .array([
            .bulk(e.name), .integer(Int64(e.arity)), .array(e.flags.names.map { .simpleString($0) }),
            .integer(Int64(first)), .integer(Int64(last)), .integer(Int64(step)),
            .array(aclCategories(e).map { .simpleString($0) }), .array([]), .array([]), .array([]),
        ])
    }

    /// Redis's ACL categories that follow from the flags and group.
    static func aclCategories(_ e: CommandTable.Entry) -> [String] {
        var out: [String] = []
        if e.flags.contains(.write) { out.append("@write") }
        if e.flags.contains(.readonly) { out.append("@read") }
        if e.flags.contains(.admin) { out += ["@admin", "@dangerous"] }
        // An application's command sits in "generic" without being a keyspace command.
        let documented = e.dataCommand == nil || RedisCommandDoc.rows[e.name] != nil
        if documented, let group = aclGroupCategory[e.group] { out.append(group) }
        if e.flags.contains(.fast) { out.append("@fast") } else { out.append("@slow") }
        if e.flags.contains(.blocking) { out.append("@blocking") }
        if e.group == "connection" { out.append("@connection") }
        return out
    }

    /// The ACL category Redis gives every command of a data-type group.
    static let aclGroupCategory: [String: String] = [
        "string": "@string", "bitmap": "@bitmap", "hyperloglog": "@hyperloglog", "list": "@list", "hash": "@hash",
        "set": "@set", "sorted-set": "@sortedset", "generic": "@keyspace", "pubsub": "@pubsub", "transactions": "@transaction",
    ]

    static func docs(_ e: CommandTable.Entry) -> RESPValue {
        .map([.init(.bulk("summary"), .bulk(e.summary)), .init(.bulk("since"), .bulk(e.since)), .init(.bulk("group"), .bulk(e.group))])
    }

    static let help = [
        "COMMAND <subcommand> [<arg> [value] [opt] ...]. Subcommands are:",
        "(no subcommand)", "    Return details about all commands.",
        "COUNT", "    Return the total number of commands in this server.",
        "GETKEYS <full-command>", "    Return the keys from a full Redis command.",
        "LIST [FILTERBY PATTERN <pattern>]", "    Return a list of all commands in this server.",
        "INFO [<command-name> ...]", "    Return details about multiple commands.",
        "    If no command names are given, documentation details for all commands are returned.",
        "DOCS [<command-name> ...]", "    Return documentation details about multiple commands.",
        "    If no command names are given, documentation details for all commands are returned.",
        "HELP", "    Print this help.",
    ]
}
