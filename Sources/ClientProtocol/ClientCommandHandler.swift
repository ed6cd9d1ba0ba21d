import NIOCore
import RESP

/// What the node implements to execute client commands; the connection code only parses,
/// orders and writes. Called on the connection's event loop, once per request, in request
/// order. The future may complete on any event loop and in any order: replies are still
/// written in request order (pipelining).
public protocol ClientCommandHandler: Sendable {
    func handle(_ arguments: [[UInt8]], context: ClientRequestContext) -> EventLoopFuture<RESPValue>

    /// The connection closed (either side, or an error); called once, on its event loop, after
    /// its last `handle`. Connection-level state that others hold (a subscription, a blocked
    /// pop) is released here. Does nothing unless implemented.
    func connectionClosed(_ connection: ClientConnectionInfo)
}

extension ClientCommandHandler {
    public func connectionClosed(_ connection: ClientConnectionInfo) {}
}

/// A `ClientCommandHandler` made of a closure.
public struct ClosureClientCommandHandler: ClientCommandHandler {
    private let body: @Sendable ([[UInt8]], ClientRequestContext) -> EventLoopFuture<RESPValue>

    public init(_ body: @escaping @Sendable ([[UInt8]], ClientRequestContext) -> EventLoopFuture<RESPValue>) {
        self.body = body
    }

    public func handle(_ arguments: [[UInt8]], context: ClientRequestContext) -> EventLoopFuture<RESPValue> {
        body(arguments, context)
    }
}
