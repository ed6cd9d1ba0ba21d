// The command table. Built-in commands and an embedding application's commands register
// through the same `register` call; lookup is case-insensitive, arity follows Redis's rule.

import RESP

public enum CommandKind: Sendable, Equatable {
    /// Served from the local state after a ReadIndex; must not mutate the store.
    case read
    /// Prepared on the leader, replicated through the log, applied on every replica.
    case write
    /// Connection-level or node-level (PING, INFO, CONFIG...): neither replicated nor a plain
    /// read; the node executes it itself.
    case admin
}

/// What a handler sees: the store, the full argument vector (argv[0] is the command name as the
/// client sent it), and "now" in milliseconds since the epoch (the entry's replicated time for
/// writes, the reader's time for reads).
public struct CommandContext {
    public let store: KeyValueStore
    public let args: [[UInt8]]
    public let now: Int64
    public let command: Command

    public init(store: KeyValueStore, args: [[UInt8]], now: Int64, command: Command) {
        self.store = store
        self.args = args
        self.now = now
        self.command = command
    }

    /// The argument at `i` as a key.
    @inline(__always) public func key(_ i: Int) -> ByteKey { ByteKey(args[i]) }
}

public typealias CommandHandler = @Sendable (CommandContext) throws(CommandError) -> RESPValue

/// Rewrites a write command on the leader before it enters the log, given the leader's
/// wall-clock time: relative TTLs become absolute deadlines. Throws to reject the command
/// (the client gets the error and nothing is replicated).
public typealias CommandPreparer = @Sendable (inout [[UInt8]], Int64) throws(CommandError) -> Void

public struct Command: Sendable {
    /// Lower-case name, as it appears in error messages.
    public let name: String
    public let kind: CommandKind
    /// Redis convention: positive = exact argc including the name; negative = at least -arity.
    public let arity: Int
    public let handler: CommandHandler
    public let preparer: CommandPreparer?

    public func acceptsArgumentCount(_ argc: Int) -> Bool {
        arity >= 0 ? argc == arity : argc >= -arity
    }
}

public struct CommandRegistry: Sendable {
    private var table: [ByteKey: Command] = [:]

    public init() {}

    /// A registry holding every built-in command of the key-value store.
    public static func builtin() -> CommandRegistry {
        var r = CommandRegistry()
        r.registerBuiltinCommands()
        return r
    }

    /// Adds or replaces a command. `name` is matched case-insensitively.
    public mutating func register(
        _ name: String, kind: CommandKind, arity: Int,
        prepare: CommandPreparer? = nil,
        handler: @escaping CommandHandler
    ) {
        let lower = name.lowercased()
        let command = Command(name: lower, kind: kind, arity: arity, handler: handler, preparer: prepare)
        table[ByteKey(Array(lower.utf8))] = command
        // Most clients send upper case: a second entry spares them a lower-casing allocation.
        table[ByteKey(Array(name.uppercased().utf8))] = command
    }

    public var commandNames: [String] { Set(table.values.map(\.name)).sorted() }

    /// Every command once (the table keeps two spellings of each), in name order.
    public var commands: [Command] {
        var seen = Set<String>()
        return table.values.filter { seen.insert($0.name).inserted }.sorted { $0.name < $1.name }
    }

    /// The command for `args[0]`, checked for arity, or Redis's exact error.
    public func lookup(_ args: [[UInt8]]) -> Result<Command, CommandError> {
        guard let first = args.first else { return .failure(CommandError("ERR empty command")) }
        let command: Command
        if let c = table[ByteKey(first)] {
            command = c
        } else if first.contains(where: { $0 >= 65 && $0 <= 90 }),
                  let c = table[ByteKey(first.map { $0 >= 65 && $0 <= 90 ? $0 | 0x20 : $0 })] {
            command = c
        } else {
            return .failure(Self.unknownCommand(args))
        }
        guard command.acceptsArgumentCount(args.count) else {
            return .failure(.wrongArity(command.name))
        }
        return .success(command)
    }

    /// "ERR unknown command 'foo', with args beginning with: 'a' 'b' " (Redis truncates the
    /// name to 128 bytes and stops adding arguments once 128 bytes of them are listed).
    public static func unknownCommand(_ args: [[UInt8]]) -> CommandError {
        let name = String(decoding: args[0].prefix(128), as: UTF8.self)
        var listed: [UInt8] = []
        var j = 1
        while j < args.count && listed.count < 128 {
            let room = 128 - listed.count
            listed.append(UInt8(ascii: "'"))
            listed.append(contentsOf: args[j].prefix(room))
            listed.append(contentsOf: Array("' ".utf8))
            j += 1
        }
        return CommandError(
            "ERR unknown command '\(name)', with args beginning with: \(String(decoding: listed, as: UTF8.self))")
    }
}
