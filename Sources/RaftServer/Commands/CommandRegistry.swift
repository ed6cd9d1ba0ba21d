import RESP

/// The data the replicated commands work on: a map of binary keys to values with optional
/// absolute expiry times (milliseconds since the epoch). `now` is the time stamped into the
/// log entry by the leader (writes) or the local clock (reads), so every replica decides
/// expiry alike when applying (interim store until KeyValueStore lands).
public final class KeyValueData {
    public struct Item: Sendable {
        public var value: [UInt8]
        public var expiresAtMillis: Int64?
    }

    var items: [[UInt8]: Item] = [:]
    public internal(set) var now: Int64 = 0

    public init() {}

    public func get(_ key: [UInt8]) -> Item? {
        guard let item = items[key] else { return nil }
        if let e = item.expiresAtMillis, e <= now { return nil }
        return item
    }

    public func set(_ key: [UInt8], _ value: [UInt8], expiresAtMillis: Int64? = nil) {
        items[key] = Item(value: value, expiresAtMillis: expiresAtMillis)
    }

    @discardableResult
    public func delete(_ key: [UInt8]) -> Bool {
        guard get(key) != nil else {
            items[key] = nil
            return false
        }
        items[key] = nil
        return true
    }

    public func setExpiry(_ key: [UInt8], _ at: Int64?) -> Bool {
        guard var item = get(key) else { return false }
        item.expiresAtMillis = at
        items[key] = item
        return true
    }

    /// Live keys (expired ones are skipped, and dropped by the next write that touches them).
    public var keys: [[UInt8]] { items.compactMap { k, v in (v.expiresAtMillis.map { $0 > now } ?? true) ? k : nil } }
    public var count: Int { keys.count }
    public func removeAll() { items.removeAll() }

    /// Drops expired keys; called on apply so replicas shrink alike.
    func purgeExpired() {
        items = items.filter { $0.value.expiresAtMillis.map { $0 > now } ?? true }
    }
}

/// How a command is replicated: a read runs on one node's state (after ReadIndex); a write is
/// prepared on the leader, goes through the log and runs on every replica.
public enum CommandKind: Sendable {
    case read
    case write
}

/// One command an application (or the node itself) offers to clients.
public struct CommandSpec: Sendable {
    public var name: String
    public var kind: CommandKind
    /// Redis arity: positive = exactly that many words (the name included), negative = at least -arity.
    public var arity: Int
    /// Runs on the leader before proposing a write: turns relative times into absolute ones so
    /// replicas agree (e.g. EX 10 → PXAT). Returns the arguments to replicate, or an error reply.
    public var prepare: (@Sendable (_ arguments: [[UInt8]], _ nowMillis: Int64) -> Result<[[UInt8]], CommandRejection>)?
    /// Runs the command: for a write on every replica when its entry is applied, for a read on
    /// the serving node. Must be deterministic for writes (use `data.now`, never the clock).
    public var execute: @Sendable (_ data: KeyValueData, _ arguments: [[UInt8]]) -> RESPValue

    public init(
        name: String, kind: CommandKind, arity: Int,
        prepare: (@Sendable ([[UInt8]], Int64) -> Result<[[UInt8]], CommandRejection>)? = nil,
        execute: @escaping @Sendable (KeyValueData, [[UInt8]]) -> RESPValue
    ) {
        self.name = name.lowercased()
        self.kind = kind
        self.arity = arity
        self.prepare = prepare
        self.execute = execute
    }

    func acceptsArgumentCount(_ n: Int) -> Bool { arity >= 0 ? n == arity : n >= -arity }
}

/// Commands by lowercase name.
public struct CommandRegistry: Sendable {
    var commands: [String: CommandSpec] = [:]
    public init() {}
    public mutating func register(_ spec: CommandSpec) { commands[spec.name] = spec }
    public func lookup(_ name: [UInt8]) -> CommandSpec? {
        commands[String(decoding: name, as: UTF8.self).lowercased()]
    }
    public var names: [String] { commands.keys.sorted() }
}

/// A command refused before replication (bad options): the error reply the client gets.
public struct CommandRejection: Error, Sendable {
    public var reply: RESPValue
    public init(_ reply: RESPValue) { self.reply = reply }
}
