// The state machine's half of MULTI/EXEC/WATCH (the connection's half, queueing and watched
// keys, lives in RaftServer's ClientSession):
//
//   WATCH k...  -> TXN.WATCH k..., a read served like any read (after ReadIndex): the keys'
//                  fingerprints (TransactionCommands)
//   EXEC        -> TXN.EXEC ..., one write entry (TransactionEntry) holding the watched
//                  fingerprints and the queued commands; prepared on the leader, applied on
//                  every replica. `prepare` and `apply` recognise it before any lookup.

import RESP

extension KeyValueStateMachine {
    /// Decodes WATCH's reply into the fingerprints EXEC will carry; nil if it is not one.
    public static func fingerprints(fromWatchReply reply: RESPValue, count: Int) -> [UInt64]? {
        guard case .array(let items?) = reply, items.count == count else { return nil }
        var out: [UInt64] = []
        for item in items {
            guard case .bulkString(let b?) = item, let fp = UInt64(String(decoding: b, as: UTF8.self)) else { return nil }
            out.append(fp)
        }
        return out
    }

    /// Why a queued command would fail at queue time (unknown command, wrong arity, a node
    /// command that cannot run inside a replicated transaction), or nil if it may be queued.
    public func queueError(_ args: [[UInt8]]) -> CommandError? {
        switch registry.lookup(args) {
        case .failure(let e): return e
        case .success(let c) where c.kind == .admin:
            return CommandError("ERR '\(c.name)' cannot run inside MULTI on raft-node (it does not go through the log)")
        case .success: return nil
        }
    }

    /// The leader's preparation of a whole transaction: each queued write goes through its own
    /// preparer, and one the preparer refuses becomes a marker that replies its error inside
    /// EXEC's reply (Redis reports such errors per command). A command that does not resolve
    /// (possible only if the node's table changed since queueing) aborts the whole EXEC.
    func prepareTransaction(_ args: [[UInt8]], now: Int64) -> Prepared {
        guard var t = TransactionEntry(arguments: args) else { return .reply(.error("ERR malformed transaction")) }
        for i in t.commands.indices {
            if queueError(t.commands[i]) != nil {
                return .reply(.error("EXECABORT Transaction discarded because of previous errors."))
            }
            guard case .success(let c) = registry.lookup(t.commands[i]), c.kind == .write, let p = c.preparer else { continue }
            do throws(CommandError) { try p(&t.commands[i], now) } catch {
                t.commands[i] = [TransactionEntry.refusedMarker, Array(error.message.utf8)]
            }
        }
        return .entry(LogEntry(timestamp: now, args: t.arguments).encoded())
    }

    /// Applies a transaction entry: a null reply if a watched key no longer has the
    /// fingerprint WATCH saw (nothing runs), else every command in order, each with its own
    /// reply or error, at the same "now". Reads inside run here too, on every replica.
    func applyTransaction(_ args: [[UInt8]]) -> RESPValue {
        guard let t = TransactionEntry(arguments: args) else { return .error("ERR malformed transaction entry") }
        for (key, fp) in t.watched where KeyFingerprint.of(store.record(key, now: store.clock)) != fp {
            return .array(nil)
        }
        var replies: [RESPValue] = []
        replies.reserveCapacity(t.commands.count)
        for command in t.commands {
            if command.first == TransactionEntry.refusedMarker, command.count == 2 {
                replies.append(.error(String(decoding: command[1], as: UTF8.self)))
                continue
            }
            switch registry.lookup(command) {
            case .failure(let e): replies.append(e.reply)
            case .success(let c) where c.kind == .admin: replies.append(Self.notInLog(c.name))
            case .success(let c):
                do throws(CommandError) {
                    replies.append(try c.handler(CommandContext(store: store, args: command, now: store.clock, command: c)))
                } catch {
                    replies.append(error.reply)
                }
            }
        }
        return .array(replies)
    }

    static func notInLog(_ name: String) -> RESPValue {
        .error("ERR '\(name)' is a node command and cannot run through the log")
    }
}
