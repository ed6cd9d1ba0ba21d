import NIOConcurrencyHelpers
import NIOCore

/// Counts open client connections (INFO's connected_clients).
final class ConnectionCounter: ChannelInboundHandler, Sendable {
    typealias InboundIn = ByteBuffer
    let count: NIOLockedValueBox<Int>
    init(count: NIOLockedValueBox<Int>) {
        self.count = count
    }

    func channelActive(context: ChannelHandlerContext) {
        count.withLockedValue { $0 += 1 }
        context.fireChannelActive()
    }

    func channelInactive(context: ChannelHandlerContext) {
        count.withLockedValue { $0 -= 1 }
        context.fireChannelInactive()
    }
}
