import KeyValueStore
import NIOCore
import RESP

// MULTI / EXEC / DISCARD / WATCH / UNWATCH at the connection: MULTI opens a queue, the commands
// after it answer QUEUED (or their error, which dooms EXEC to EXECABORT), and EXEC sends the
// queue to the node as ONE write entry (KeyValueStore's TransactionEntry), applied whole on
// every replica. WATCH is a read of the keys' fingerprints (after ReadIndex, like any read);
// EXEC's entry carries them and every replica checks them against its state at EXEC's log
// position: a watched key that changed since makes EXEC reply null and run nothing.
extension NodeCommandHandler {
    func session(_ context: ClientRequestContext) -> ConnectionSession {
        if let s = context.session as? ConnectionSession { return s }
        let s = ConnectionSession(connectionID: context.connection.id, driver: driver)
        context.session = s
        return s
    }

    /// BLPOP and kin outside MULTI: checked here (timeout, numkeys), then waited for on the
    /// node (NodeDriver+Blocking.swift) while this connection runs nothing else.
    func blockingCommand(_ arguments: [[UInt8]], context: ClientRequestContext) -> EventLoopFuture<RESPValue> {
        let loop = context.connection.eventLoop
        switch BlockingCommands.spec(arguments) {
        case .failure(let e)?: return loop.makeSucceededFuture(e.reply)
        case .success(let spec)?:
            _ = session(context)  // so the connection's close cancels the wait
            return ordering(context).schedule(.write, arguments, blocking: spec)
        case nil: return ordering(context).schedule(.write, arguments)
        }
    }

    func ordering(_ context: ClientRequestContext) -> ConnectionOrdering {
        orderings.ordering(for: context.connection.id, on: context.connection.eventLoop, driver: driver)
    }

    /// Inside MULTI every command but EXEC, DISCARD, MULTI and WATCH is queued, not run.
    func queueInMulti(_ arguments: [[UInt8]], name: String, session: ConnectionSession, context: ClientRequestContext) -> RESPValue {
        switch name {
        case "multi": return .error("ERR MULTI calls can not be nested")
        case "watch": return .error("ERR WATCH inside MULTI is not allowed")
        default: break
        }
        if let error = queueError(arguments, name: name) {
            session.queueFailed = true
            return error.reply
        }
        session.queued?.append(arguments)
        return .simpleString("QUEUED")
    }

    /// Why `arguments` cannot join a transaction, as Redis answers at queue time.
    func queueError(_ arguments: [[UInt8]], name: String) -> CommandError? {
        switch registry.lookup(arguments) {
        case .success(let c) where c.kind != .admin: return nil
        case .success(let c):
            return CommandError("ERR '\(c.name)' cannot run inside MULTI on raft-node (it does not go through the log)")
        case .failure(let e):
            guard Self.nodeCommandNames.contains(name) else { return e }
            return CommandError("ERR '\(name)' cannot run inside MULTI on raft-node (node commands do not go through the log)")
        }
    }

    func transactionCommand(_ arguments: [[UInt8]], name: String, context: ClientRequestContext) -> EventLoopFuture<RESPValue> {
        let loop = context.connection.eventLoop
        let session = self.session(context)
        switch name {
        case "multi":
            guard arguments.count == 1 else { return loop.makeSucceededFuture(CommandError.wrongArity("multi").reply) }
            if session.queued != nil { return loop.makeSucceededFuture(.error("ERR MULTI calls can not be nested")) }
            session.queued = []
            session.queueFailed = false
            return loop.makeSucceededFuture(.ok)
        case "discard":
            guard arguments.count == 1 else { return loop.makeSucceededFuture(CommandError.wrongArity("discard").reply) }
            guard session.queued != nil else { return loop.makeSucceededFuture(.error("ERR DISCARD without MULTI")) }
            session.queued = nil
            session.unwatch()
            return loop.makeSucceededFuture(.ok)
        case "unwatch":
            guard arguments.count == 1 else { return loop.makeSucceededFuture(CommandError.wrongArity("unwatch").reply) }
            session.unwatch()
            return loop.makeSucceededFuture(.ok)
        case "watch":
            guard arguments.count >= 2 else { return loop.makeSucceededFuture(CommandError.wrongArity("watch").reply) }
            return watch(Array(arguments.dropFirst()), session: session, context: context)
        default:  // exec
            guard arguments.count == 1 else { return loop.makeSucceededFuture(CommandError.wrongArity("exec").reply) }
            guard let queued = session.queued else { return loop.makeSucceededFuture(.error("ERR EXEC without MULTI")) }
            session.queued = nil
            if session.queueFailed {
                session.unwatch()
                return loop.makeSucceededFuture(.error("EXECABORT Transaction discarded because of previous errors."))
            }
            if queued.isEmpty && session.watched.isEmpty && !session.watchFailed {
                session.unwatch()
                return loop.makeSucceededFuture(.array([]))
            }
            // Built when EXEC's turn comes: an earlier pipelined WATCH has been answered by then.
            return ordering(context).schedule(.write, [], late: {
                defer { session.unwatch() }
                if session.watchFailed { return .reply(.array(nil)) }
                return .run(TransactionEntry(watched: session.watched, commands: queued).arguments)
            })
        }
    }

    private func watch(_ keys: [[UInt8]], session: ConnectionSession, context: ClientRequestContext) -> EventLoopFuture<RESPValue> {
        let generation = session.watchGeneration
        let read = [KeyValueStateMachine.watchReadName] + keys
        let answered = ordering(context).schedule(.read, read, onAnswer: { reply in
            guard generation == session.watchGeneration else { return }
            if let fingerprints = KeyValueStateMachine.fingerprints(fromWatchReply: reply, count: keys.count) {
                session.watched.append(contentsOf: zip(keys.map(ByteKey.init), fingerprints).map { (key: $0.0, fingerprint: $0.1) })
            } else {
                session.watchFailed = true
            }
        })
        let count = keys.count
        return answered.map { reply in
            KeyValueStateMachine.fingerprints(fromWatchReply: reply, count: count) != nil ? .ok : reply
        }
    }
}
