import NIOCore
import RESP

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

    /// Answers this request; call once, on the connection's event loop. The reply is written
    /// in request order, as soon as the replies to earlier requests are.
    public func reply(_ value: RESPValue) {
        connection.eventLoop.assertInEventLoop()
        handler.deliver(value, sequence: sequence)
    }

    /// Answers this request with what `future` completes with (a failure becomes an `ERR` reply).
    public func reply(with future: EventLoopFuture<RESPValue>) {
        let handler = self.handler
        let sequence = self.sequence
        future.hop(to: connection.eventLoop).assumeIsolated().whenComplete { result in
            handler.deliver(result, sequence: sequence)
        }
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

    /// Closes the connection where this request's reply would go, without writing the reply
    /// (the earlier replies are still written): SHUTDOWN, as Redis, quits without answering.
    public func closeInsteadOfReplying() {
        connection.eventLoop.preconditionInEventLoop()
        handler.closeAfterReply(sequence: sequence, silently: true)
    }
}
