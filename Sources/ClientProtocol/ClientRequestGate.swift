import NIOCore

/// Holds decoded requests back while their connection is saturated (too many requests awaiting
/// replies, or too many reply bytes the socket has not taken: `ClientConnectionHandler.
/// readingShouldPause`), and releases them in order as the client catches up.
///
/// Sits between the request decoder and `ClientConnectionHandler`. The connection handler
/// stops *reading* when saturated, but one read of a pipelining client (a few hundred KiB)
/// holds thousands of requests, and without this gate all of them ran at once: 10,000 pipelined
/// `GET`s of a 64 KiB value made about 640 MB of replies in one go, so a client reading them
/// at socket speed was cut off at `maxUnsentReplyBytes`, and one that never read cost the node
/// 64 MB before being closed. With the gate, a client's replies in memory are bounded by
/// `maxInFlightCommands` replies plus `pauseReadingAboveUnsentBytes`, and held requests by one
/// read, since nothing more is read while any are held.
///
/// Protocol: the connection handler forwards `read()` only when it is not saturated, so a
/// `read()` arriving here is the signal to release held requests; to wait for the next one,
/// the gate calls `channel.read()`, which the saturated connection handler remembers and
/// passes on once replies drain.
final class ClientRequestGate: ChannelDuplexHandler {
    typealias InboundIn = ClientRequestFrame
    typealias InboundOut = ClientRequestFrame
    typealias OutboundIn = ByteBuffer

    /// Requests released in one go before other connections get a turn of the event loop.
    private static let releaseBatch = 256

    private let connection: ClientConnectionHandler  // strong: no cycle, the connection never refers back
    private var held = CircularBuffer<ClientRequestFrame>(initialCapacity: 4)
    /// EOF came while requests were held: passed on after them, so a half-closed client still
    /// gets every reply.
    private var inputClosedHeld = false
    private var releasing = false
    private var context: ChannelHandlerContext?

    init(connection: ClientConnectionHandler) {
        self.connection = connection
    }

    func handlerAdded(context: ChannelHandlerContext) {
        self.context = context
    }

    func handlerRemoved(context: ChannelHandlerContext) {
        self.context = nil
        held.removeAll()
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        if !held.isEmpty || connection.readingShouldPause {
            held.append(unwrapInboundIn(data))
        } else {
            context.fireChannelRead(data)
        }
    }

    func channelReadComplete(context: ChannelHandlerContext) {
        context.fireChannelReadComplete()
        // Saturated with requests held: make sure the connection handler knows a read is
        // wanted, so it calls back here when it drains.
        if !held.isEmpty { context.channel.read() }
    }

    func userInboundEventTriggered(context: ChannelHandlerContext, event: Any) {
        if let event = event as? ChannelEvent, event == .inputClosed, !held.isEmpty {
            inputClosedHeld = true
            context.channel.read()  // as above: the EOF is passed on once the held requests are
            return
        }
        context.fireUserInboundEventTriggered(event)
    }

    func channelInactive(context: ChannelHandlerContext) {
        held.removeAll()
        inputClosedHeld = false
        context.fireChannelInactive()
    }

    func read(context: ChannelHandlerContext) {
        guard !held.isEmpty || inputClosedHeld else {
            context.read()
            return
        }
        guard !releasing else { return }
        releasing = true
        defer { releasing = false }
        var released = 0
        while released < Self.releaseBatch, !connection.readingShouldPause, let frame = held.popFirst() {
            context.fireChannelRead(wrapInboundOut(frame))
            released += 1
            guard self.context != nil else { return }  // the connection closed meanwhile
        }
        // Ends the burst, so the connection handler sends the replies it collected.
        if released > 0 { context.fireChannelReadComplete() }
        guard self.context != nil else { return }
        if !held.isEmpty {
            if connection.readingShouldPause {
                context.channel.read()
            } else {
                // A full batch went out: let other connections run, then continue.
                context.eventLoop.assumeIsolated().execute { context.channel.read() }
            }
            return
        }
        if inputClosedHeld {
            inputClosedHeld = false
            context.fireUserInboundEventTriggered(ChannelEvent.inputClosed)
            return  // nothing more to read after EOF
        }
        context.read()
    }
}
