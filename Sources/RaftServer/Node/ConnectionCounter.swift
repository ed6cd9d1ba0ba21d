import NIOConcurrencyHelpers
import NIOCore

/// Counts open client connections (INFO's connected_clients).
///
/// Counts when the connection becomes active and leaves the pipeline at once, uncounting on the
/// channel's close: every request would otherwise cross one more handler only to be passed on
/// (channelRead and channelReadComplete, per read).
final class ConnectionCounter: ChannelInboundHandler, RemovableChannelHandler, Sendable {
    typealias InboundIn = ByteBuffer
    let count: NIOLockedValueBox<Int>
    init(count: NIOLockedValueBox<Int>) {
        self.count = count
    }

    func channelActive(context: ChannelHandlerContext) {
        count.withLockedValue { $0 += 1 }
        context.channel.closeFuture.whenComplete { [count] _ in count.withLockedValue { $0 -= 1 } }
        context.fireChannelActive()
        context.pipeline.syncOperations.removeHandler(context: context, promise: nil)
    }
}
