import NIOConcurrencyHelpers
import NIOCore
import RESP

/// The server's operational state outside the Raft loop: which client connections have
/// authenticated, how many client requests are in flight, whether the node is draining for
/// shutdown, and the metrics endpoint. Shared by every client connection's loop.
final class ServerOperations: Sendable {
    let sessions = AuthenticatedConnections()
    private let inFlightCount = NIOLockedValueBox(0)
    private let drainingFlag = NIOLockedValueBox(false)
    let metricsListener = NIOLockedValueBox<(any Channel)?>(nil)
    let signalSources = NIOLockedValueBox<[SignalSourceBox]>([])

    var inFlight: Int { inFlightCount.withLockedValue { $0 } }
    var isDraining: Bool { drainingFlag.withLockedValue { $0 } }
    func beginDraining() { drainingFlag.withLockedValue { $0 = true } }

    func requestStarted() { inFlightCount.withLockedValue { $0 += 1 } }
    func requestFinished() { inFlightCount.withLockedValue { $0 -= 1 } }

    /// The node's command handler behind the shutdown gate and the AUTH check.
    func clientHandler(_ node: any ClientCommandHandler, options: RaftServerOptions) -> any ClientCommandHandler {
        AuthenticatingCommandHandler(
            inner: DrainingCommandHandler(inner: node, operations: self),
            password: options.security.requirePass.map { Array($0.utf8) }, sessions: sessions)
    }

    /// Call when a client connection closes.
    func connectionClosed(_ id: UInt64) { sessions.remove(id) }
}

/// Counts requests in flight, and once shutdown began refuses new ones with a retryable error
/// (a client retries elsewhere) while those already accepted finish.
struct DrainingCommandHandler: ClientCommandHandler {
    let inner: any ClientCommandHandler
    let operations: ServerOperations

    func handle(_ arguments: [[UInt8]], context: ClientRequestContext) -> EventLoopFuture<RESPValue> {
        if operations.isDraining, !(arguments.first.map { $0.count == 4 && String(decoding: $0, as: UTF8.self).lowercased() == "quit" } ?? false) {
            return context.connection.eventLoop.makeSucceededFuture(.error("TRYAGAIN node is shutting down"))
        }
        operations.requestStarted()
        let future = inner.handle(arguments, context: context)
        future.whenComplete { [operations] _ in operations.requestFinished() }
        return future
    }
}
