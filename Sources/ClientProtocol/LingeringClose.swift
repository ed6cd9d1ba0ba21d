import NIOCore

/// Closes a client connection the way a careful server does (nginx's lingering close): first
/// the sending side only, then discards whatever the client still sends until it closes too,
/// or for at most `lingerTime`.
///
/// Why: a connection closed while unread requests sit in its receive buffer ends with a TCP
/// reset, and a reset can destroy the last reply before the client reads it. That last reply
/// is usually the point: "-ERR Protocol error: invalid bulk length" to a client that streamed
/// a huge bad request, or QUIT's "+OK" to a pipelining client. Only closes whose replies can
/// still go out (the channel is writable) linger; a client that stopped reading is closed
/// at once, so its unsent replies are freed.
///
/// Sits at the front of the client pipeline, before the request decoder, so lingering costs
/// no parsing and no memory: discarded bytes are dropped as they are read.
final class LingeringClose: ChannelDuplexHandler {
    typealias InboundIn = ByteBuffer
    typealias InboundOut = ByteBuffer
    typealias OutboundIn = ByteBuffer

    private let lingerTime: TimeAmount
    private var lingering = false
    private var inputClosed = false
    private var finalClose: Scheduled<Void>?
    private var closePromise: EventLoopPromise<Void>?

    init(lingerTime: TimeAmount = .seconds(2)) {
        self.lingerTime = lingerTime
    }

    func close(context: ChannelHandlerContext, mode: CloseMode, promise: EventLoopPromise<Void>?) {
        guard mode == .all, !lingering, !inputClosed, context.channel.isActive, context.channel.isWritable else {
            if lingering, mode == .all {
                closeNow(context: context, promise: promise)
            } else {
                context.close(mode: mode, promise: promise)
            }
            return
        }
        lingering = true
        closePromise = promise
        let outputClosed = context.eventLoop.makePromise(of: Void.self)
        outputClosed.futureResult.assumeIsolated().whenFailure { _ in self.closeNow(context: context) }
        // Flushes the replies already written, then sends FIN.
        context.close(mode: .output, promise: outputClosed)
        finalClose = context.eventLoop.assumeIsolated().scheduleTask(in: lingerTime) { self.closeNow(context: context) }
        context.read()
    }

    private func closeNow(context: ChannelHandlerContext, promise: EventLoopPromise<Void>? = nil) {
        finalClose?.cancel()
        finalClose = nil
        let stored = closePromise
        closePromise = nil
        if let promise { stored?.futureResult.cascade(to: promise) }
        context.close(mode: .all, promise: stored ?? promise)
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        if !lingering { context.fireChannelRead(data) }
    }

    func channelReadComplete(context: ChannelHandlerContext) {
        if lingering {
            context.read()  // keep draining: the handlers behind may be holding reads
        } else {
            context.fireChannelReadComplete()
        }
    }

    func userInboundEventTriggered(context: ChannelHandlerContext, event: Any) {
        if let event = event as? ChannelEvent, event == .inputClosed {
            inputClosed = true
            if lingering {
                closeNow(context: context)
                return
            }
        }
        context.fireUserInboundEventTriggered(event)
    }

    func channelInactive(context: ChannelHandlerContext) {
        finalClose?.cancel()
        finalClose = nil
        if let stored = closePromise {
            closePromise = nil
            stored.succeed(())
        }
        context.fireChannelInactive()
    }
}
