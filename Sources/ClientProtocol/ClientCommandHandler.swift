import NIOCore
import RESP

/// What the node implements to execute client commands; the connection code only parses,
/// orders and writes. Called on the connection's event loop, once per request, in request
/// order. Replies may come in any order: they are still written in request order (pipelining).
public protocol ClientCommandHandler: Sendable {
    /// Answers the request by calling `context.reply` once, on the connection's event loop, now
    /// or later. No future per request: the node's hot path answers from a callback.
    func handle(_ arguments: [[UInt8]], replyingTo context: ClientRequestContext)

    /// The connection closed (either side, or an error); called once, on its event loop, after
    /// its last `handle`. Connection-level state that others hold (a subscription, a blocked
    /// pop) is released here. Does nothing unless implemented.
    func connectionClosed(_ connection: ClientConnectionInfo)
}

extension ClientCommandHandler {
    public func connectionClosed(_ connection: ClientConnectionInfo) {}
}

/// A handler that answers with a future (which may complete on any event loop): simpler to
/// write where a request's cost does not matter (tests, tools).
public protocol FutureClientCommandHandler: ClientCommandHandler {
    func handle(_ arguments: [[UInt8]], context: ClientRequestContext) -> EventLoopFuture<RESPValue>
}

extension FutureClientCommandHandler {
    public func handle(_ arguments: [[UInt8]], replyingTo context: ClientRequestContext) {
        context.reply(with: handle(arguments, context: context))
    }
}

/// A `ClientCommandHandler` made of a closure.
public struct ClosureClientCommandHandler: FutureClientCommandHandler {
    private let body: @Sendable ([[UInt8]], ClientRequestContext) -> EventLoopFuture<RESPValue>

    public init(_ body: @escaping @Sendable ([[UInt8]], ClientRequestContext) -> EventLoopFuture<RESPValue>) {
        self.body = body
    }

    public func handle(_ arguments: [[UInt8]], context: ClientRequestContext) -> EventLoopFuture<RESPValue> {
        body(arguments, context)
    }
}
