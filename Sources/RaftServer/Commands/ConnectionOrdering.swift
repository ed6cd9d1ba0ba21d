import KeyValueStore
import NIOConcurrencyHelpers
import NIOCore
import RESP

/// Keeps one connection's pipelined commands in Redis's order: consecutive reads may run
/// together and consecutive writes may run together (the log keeps their order), but a read
/// waits for the writes sent before it on the same connection, and a write for the reads
/// before it. Without this a pipelined `SET k v; GET k` could read before the forwarded
/// write commits. Used on the connection's event loop only.
final class ConnectionOrdering: @unchecked Sendable {
    private final class Group {
        let kind: CommandKind
        let waitFor: EventLoopFuture<Void>?
        var outstanding = 0
        var sealed = false
        var done: EventLoopPromise<Void>? = nil
        init(kind: CommandKind, waitFor: EventLoopFuture<Void>?) {
            self.kind = kind
            self.waitFor = waitFor
        }
    }

    private var current: Group? = nil

    func schedule(_ kind: CommandKind, on loop: any EventLoop, _ body: @escaping @Sendable () -> EventLoopFuture<RESPValue>) -> EventLoopFuture<RESPValue> {
        if current == nil || current!.kind != kind {
            var barrier: EventLoopFuture<Void>? = nil
            if let previous = current {
                previous.sealed = true
                if previous.outstanding > 0 {
                    let p = loop.makePromise(of: Void.self)
                    previous.done = p
                    barrier = p.futureResult
                }
            }
            current = Group(kind: kind, waitFor: barrier)
        }
        let group = current!
        group.outstanding += 1
        let future = group.waitFor.map { $0.flatMap { body() } } ?? body()
        return future.hop(to: loop).always { [self] _ in
            loop.assertInEventLoop()
            group.outstanding -= 1
            if group.outstanding == 0 {
                if let p = group.done { p.succeed(()) }
                if current === group { current = nil }
            }
        }
    }
}

/// The ordering state of every open client connection.
final class ConnectionOrderings: Sendable {
    private let byConnection = NIOLockedValueBox<[UInt64: ConnectionOrdering]>([:])

    func ordering(for connection: UInt64) -> ConnectionOrdering {
        byConnection.withLockedValue { map in
            if let o = map[connection] { return o }
            let o = ConnectionOrdering()
            map[connection] = o
            return o
        }
    }

    func remove(_ connection: UInt64) {
        _ = byConnection.withLockedValue { $0.removeValue(forKey: connection) }
    }
}
