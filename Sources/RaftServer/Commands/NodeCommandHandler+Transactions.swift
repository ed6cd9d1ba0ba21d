import KeyValueStore
import NIOCore
import RESP

// MULTI / EXEC / DISCARD / WATCH / UNWATCH at the connection: MULTI opens a queue, the commands
// after it answer QUEUED (or their error, which dooms EXEC to EXECABORT), and EXEC sends the
// queue to the node as ONE write entry (KeyValueStore's TXN.EXEC, a TransactionEntry), applied
// whole on every replica. WATCH is a read of the keys' fingerprints (TXN.WATCH, after ReadIndex
// like any read); EXEC's entry carries them and every replica checks them against its state at
// EXEC's log position: a watched key that changed since makes EXEC reply null and run nothing.
extension NodeCommandHandler {
    /// What a connection in MULTI or in RESP2 subscribed mode answers instead of running
    /// `command`; nil when it runs as usual.
    func modeReply(_ command: ResolvedCommand, session: ClientSession, context: ClientRequestContext) -> RESPValue? {
        if session.queued != nil {
            switch command.entry.route {
            case .node(.exec), .node(.discard): return nil
            case .node(.multi): return .error("ERR MULTI calls can not be nested")
            case .node(.watch): return .error("ERR WATCH inside MULTI is not allowed")
            case .node:
                session.queueFailed = true
                return .error("ERR '\(command.name)' cannot run inside MULTI on raft-node (node commands do not go through the log)")
            case .data(let data) where data.kind == .admin:
                session.queueFailed = true
                return NodeDriver.notReplicated(command.arguments)
            case .data:
                session.queued?.append(command)
                return .simpleString("QUEUED")
            }
        }
        guard session.subscriptionCount > 0, context.protocolVersion == .resp2 else { return nil }
        switch command.entry.route {
        case .node(.subscribe), .node(.unsubscribe), .node(.psubscribe), .node(.punsubscribe), .node(.quit): return nil
        case .node(.ping):
            // A RESP2 subscriber's PING answers in the shape of a message.
            return .array([.bulk("pong"), .bulkString(command.arguments.count == 2 ? command.arguments[1] : [])])
        default:
            return .error("ERR Can't execute '\(command.name)': only (P|S)SUBSCRIBE / (P|S)UNSUBSCRIBE / PING / QUIT / RESET are allowed in this context")
        }
    }

    /// BLPOP and kin outside MULTI: checked here (timeout, numkeys), then waited for on the
    /// node (NodeDriver+Blocking.swift) while this connection runs nothing else.
    func blockingCommand(_ command: ResolvedCommand, session: ClientSession, context: ClientRequestContext) -> EventLoopFuture<RESPValue> {
        let loop = context.connection.eventLoop
        switch BlockingCommands.spec(command.arguments) {
        case .failure(let e)?: return loop.makeSucceededFuture(e.reply)
        case .success(let spec)?:
            let id = context.connection.id
            if !session.cancelsBlockedPopsOnClose {
                session.cancelsBlockedPopsOnClose = true
                let driver = self.driver
                session.whenClosed { driver.loop.execute { driver.cancelBlockedClients(connection: id) } }
            }
            return session.ordering.schedule(.write, command, blocking: .init(spec: spec, connection: id))
        case nil: return session.ordering.schedule(.write, command)
        }
    }

    func transactionCommand(_ node: NodeCommand, _ command: ResolvedCommand, session: ClientSession, context: ClientRequestContext) -> EventLoopFuture<RESPValue> {
        let loop = context.connection.eventLoop
        switch node {
        case .multi:
            if session.queued != nil { return loop.makeSucceededFuture(.error("ERR MULTI calls can not be nested")) }
            session.queued = []
            session.queueFailed = false
            return loop.makeSucceededFuture(.ok)
        case .discard:
            guard session.queued != nil else { return loop.makeSucceededFuture(.error("ERR DISCARD without MULTI")) }
            session.queued = nil
            session.unwatch()
            return loop.makeSucceededFuture(.ok)
        case .unwatch:
            session.unwatch()
            return loop.makeSucceededFuture(.ok)
        case .watch:
            return watch(Array(command.arguments.dropFirst()), session: session, context: context)
        default:  // exec
            guard let queued = session.queued else { return loop.makeSucceededFuture(.error("ERR EXEC without MULTI")) }
            session.queued = nil
            if session.queueFailed {
                session.unwatch()
                return loop.makeSucceededFuture(.error("EXECABORT Transaction discarded because of previous errors."))
            }
            let table = self.table
            // Built when EXEC's turn comes: an earlier pipelined WATCH has been answered by then.
            return session.ordering.schedule(.write, command, late: {
                defer { session.unwatch() }
                if session.watchFailed { return .reply(.array(nil)) }
                if queued.isEmpty && session.watched.isEmpty { return .reply(.array([])) }
                let entry = TransactionEntry(watched: session.watched, commands: queued.map(\.arguments))
                switch table.resolve(entry.arguments) {
                case .success(let resolved): return .run(resolved)
                case .failure(let e): return .reply(e.reply)
                }
            })
        }
    }

    private func watch(_ keys: [[UInt8]], session: ClientSession, context: ClientRequestContext) -> EventLoopFuture<RESPValue> {
        let generation = session.watchGeneration
        let read: ResolvedCommand
        switch table.resolve([Array("txn.watch".utf8)] + keys) {
        case .success(let r): read = r
        case .failure(let e): return context.connection.eventLoop.makeSucceededFuture(e.reply)
        }
        let answered = session.ordering.schedule(.read, read, onAnswer: { reply in
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
