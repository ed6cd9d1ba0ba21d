import KeyValueStore
import NIOCore
import RESP

// Blocking pops (BLPOP, BRPOP, BLMOVE, BRPOPLPUSH, BLMPOP, BZPOPMIN, BZPOPMAX, BZMPOP): the
// client waits on its own node, never blocking the node's loop; the pop itself is always an
// ordinary write through the log (BlockingCommands applies it without blocking). A client
// blocked on a follower is woken by the follower applying the write that made its key exist,
// whichever node that write came through, and its pop is forwarded to the leader like any write.
extension NodeDriver {
    func blockingCommand(_ command: ResolvedCommand, spec: BlockingCommands.Spec, connection: UInt64) -> EventLoopFuture<RESPValue> {
        loop.preconditionInEventLoop()
        let w = BlockedClients.Waiter(
            id: blocked.makeID(), connection: connection, command: command, keys: spec.keys,
            promise: loop.makePromise(of: RESPValue.self), timeoutReply: spec.timeoutReply)
        if let ms = spec.timeoutMilliseconds {
            w.timer = loop.assumeIsolated().scheduleTask(in: .milliseconds(ms)) { [self] in
                w.expired = true
                if let parked = blocked.unpark(w.id) { parked.answer(parked.timeoutReply) }
            }
        }
        attempt(w, parkAtHead: false)
        return w.promise.futureResult
    }

    /// Proposes `w`'s pop if one of its keys exists here, else parks it.
    private func attempt(_ w: BlockedClients.Waiter, parkAtHead: Bool) {
        let now = readNow()
        guard w.keys.contains(where: { machine.store.record($0, now: now) != nil }) else {
            blocked.park(w, atHead: parkAtHead)
            return
        }
        blocked.markInFlight(w)
        submit(w.command).hop(to: loop).assumeIsolated().whenComplete { [self] result in
            guard let w = blocked.landed(w.id) else { return }
            let reply: RESPValue
            switch result {
            case .success(let r): reply = r
            case .failure(let e): reply = .error("ERR \(e)")
            }
            guard Self.isNullReply(reply) else { return w.answer(reply) }
            if w.expired { return w.answer(w.timeoutReply) }
            attempt(w, parkAtHead: true)  // another client won the element: wait again, first in line
        }
    }

    static func isNullReply(_ r: RESPValue) -> Bool {
        switch r {
        case .array(nil), .bulkString(nil), .null: true
        default: false
        }
    }

    /// After an applied batch: wakes the oldest client blocked on each key that now exists.
    func wakeBlockedClients() {
        guard !blocked.isEmpty else { return }
        let now = readNow()
        for w in blocked.takeReady(exists: { machine.store.record($0, now: now) != nil }) {
            attempt(w, parkAtHead: true)
        }
    }

    /// A blocked client's connection closed: it stops waiting (an in-flight pop still lands).
    func cancelBlockedClients(connection: UInt64) {
        for w in blocked.takeAll(connection: connection) { w.answer(w.timeoutReply) }
    }
}
