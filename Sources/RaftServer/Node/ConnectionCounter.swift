import NIOConcurrencyHelpers
import NIOCore

/// Counts open client connections (INFO's connected_clients).
final class ConnectionCounter: ChannelInboundHandler, Sendable {
    typealias InboundIn = ByteBuffer
    let count: NIOLockedValueBox<Int>
    let connectionID: UInt64
    let orderings: ConnectionOrderings
    init(count: NIOLockedValueBox<Int>, connectionID: UInt64, orderings: ConnectionOrderings) {
        self.count = count
        self.connectionID = connectionID
        self.orderings = orderings
    }

    func channelActive(context: ChannelHandlerContext) {
        count.withLockedValue { $0 += 1 }
        context.fireChannelActive()
    }

    func channelInactive(context: ChannelHandlerContext) {
        count.withLockedValue { $0 -= 1 }
        orderings.remove(connectionID)
        context.fireChannelInactive()
    }
}
