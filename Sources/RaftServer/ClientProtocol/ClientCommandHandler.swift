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

/// Facts about a client connection that are safe to pass anywhere.
public struct ClientConnectionInfo: Sendable, CustomStringConvertible {
    public let id: UInt64
    public let remoteAddress: SocketAddress?
    public let eventLoop: any EventLoop

    public var description: String { "client#\(id)@\(remoteAddress.map { "\($0)" } ?? "?")" }
}

/// One request's view of its connection. Use it on the connection's event loop only
/// (typically synchronously inside `handle`).
public final class ClientRequestContext {
    public let connection: ClientConnectionInfo
    private let handler: ClientConnectionHandler
    private let sequence: Int

    init(connection: ClientConnectionInfo, handler: ClientConnectionHandler, sequence: Int) {
        self.connection = connection
        self.handler = handler
        self.sequence = sequence
    }

    /// The protocol in effect for this request (after any earlier pipelined HELLO).
    public var protocolVersion: RESPVersion {
        connection.eventLoop.preconditionInEventLoop()
        return handler.requestProtocolVersion
    }

    /// Switches the connection's protocol (HELLO). It applies to this request's reply and to
    /// every later one, and later requests see it at once in `protocolVersion`. Call it
    /// before this request's future completes.
    public func setProtocolVersion(_ version: RESPVersion) {
        connection.eventLoop.preconditionInEventLoop()
        handler.setProtocolVersion(version, fromSequence: sequence)
    }

    /// Further replies written right after this request's own (SUBSCRIBE a b: one
    /// confirmation per channel). Call before this request's future completes.
    public func addReplies(_ values: [RESPValue]) {
        connection.eventLoop.preconditionInEventLoop()
        handler.addReplies(values, sequence: sequence)
    }

    /// A function that sends out-of-band messages (Pub/Sub) to this connection from any
    /// thread; they are written after whatever was written before them.
    public var pushSink: @Sendable (RESPValue) -> Void {
        let bound = NIOLoopBound(handler, eventLoop: connection.eventLoop)
        let loop = connection.eventLoop
        return { value in loop.execute { bound.value.push(value) } }
    }

    /// Closes the connection once this request's reply is written (QUIT).
    public func closeAfterReply() {
        connection.eventLoop.preconditionInEventLoop()
        handler.closeAfterReply(sequence: sequence)
    }
}
