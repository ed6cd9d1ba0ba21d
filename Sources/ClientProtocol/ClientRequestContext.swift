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
