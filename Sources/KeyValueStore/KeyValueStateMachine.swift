// The replicated state machine as the node drives it:
//
//   leader:   prepare(args, now: wallClock) -> .entry(bytes)   (propose bytes to Raft)
//   replicas: apply(bytes) -> reply                            (in log order, on every replica)
//   reads:    read(args, now: max(localClock, store.clock))    (after a ReadIndex)
//
// `apply` is a pure function of the state and the entry: "now" is the entry's leader
// timestamp, maxed with every earlier one (store.clock), so every replica agrees on which
// keys exist at every log position (expiry is decided by the log, not by local clocks).

import RESP

public final class KeyValueStateMachine {
    public var registry: CommandRegistry
    public var store: KeyValueStore {
        didSet { if store !== oldValue, store.publisher == nil { store.publisher = oldValue.publisher } }
    }

    public init(registry: CommandRegistry = .builtin(), store: KeyValueStore = KeyValueStore()) {
        self.registry = registry
        self.store = store
    }

    public enum Prepared {
        /// Bytes to propose to the Raft log.
        case entry([UInt8])
        /// The command is rejected (unknown, arity, syntax...): reply without replicating.
        case reply(RESPValue)
    }

    /// The kind of `args`' command, or the error to reply (unknown command, wrong arity).
    public func classify(_ args: [[UInt8]]) -> Result<CommandKind, CommandError> {
        registry.lookup(args).map(\.kind)
    }

    /// Turns a client's write into a log entry on the leader at wall-clock `now` (ms). Looks the
    /// command up; a caller that already resolved it uses `prepare(_:_:now:)`.
    public func prepare(_ args: [[UInt8]], now: Int64) -> Prepared {
        switch registry.lookup(args) {
        case .failure(let e): return .reply(e.reply)
        case .success(let c): return prepare(c, args, now: now)
        }
    }

    /// Turns a resolved write into a log entry on the leader at wall-clock `now` (ms): no second
    /// lookup by name, `command` is what the caller resolved `args` to.
    public func prepare(_ command: Command, _ args: [[UInt8]], now: Int64) -> Prepared {
        if TransactionEntry.isTransaction(args) { return prepareTransaction(args, now: now) }
        guard command.kind == .write else {
            return .reply(.error("ERR '\(command.name)' is not a write command"))
        }
        var a = args
        if let p = command.preparer {
            do throws(CommandError) { try p(&a, now) } catch { return .reply(error.reply) }
        }
        return .entry(LogEntry(timestamp: now, args: a).encoded())
    }

    /// Applies one committed entry. Malformed entries and failing commands change nothing
    /// and reply an error — identically on every replica.
    public func apply(_ entry: some Collection<UInt8>) -> RESPValue {
        guard let e = LogEntry.decode(entry) else { return .error("ERR malformed log entry") }
        return apply(e)
    }

    /// Applies a decoded entry: its command is looked up once, here (every replica resolves
    /// the log's bytes itself; nothing from the leader's lookup travels in the entry).
    public func apply(_ e: LogEntry) -> RESPValue {
        store.advanceClock(to: e.timestamp)
        if e.args.isEmpty { return .ok }  // a clock-only entry: advances time, sweeps expiry
        if TransactionEntry.isTransaction(e.args) { return applyTransaction(e.args) }
        switch registry.lookup(e.args) {
        case .failure(let err): return err.reply
        case .success(let c):
            guard c.kind == .write else { return .error("ERR '\(c.name)' is not a write command") }
            do throws(CommandError) {
                return try c.handler(CommandContext(store: store, args: e.args, now: store.clock, command: c))
            } catch {
                return error.reply
            }
        }
    }

    /// Serves a read command from local state. `now` should be max(local clock, store.clock).
    public func read(_ args: [[UInt8]], now: Int64) -> RESPValue {
        switch registry.lookup(args) {
        case .failure(let err): return err.reply
        case .success(let c): return read(c, args, now: now)
        }
    }

    /// Serves a resolved read command from local state (no second lookup by name).
    public func read(_ command: Command, _ args: [[UInt8]], now: Int64) -> RESPValue {
        guard command.kind == .read else { return .error("ERR '\(command.name)' is not a read command") }
        do throws(CommandError) {
            return try command.handler(CommandContext(store: store, args: args, now: max(now, store.clock), command: command))
        } catch {
            return error.reply
        }
    }
}
