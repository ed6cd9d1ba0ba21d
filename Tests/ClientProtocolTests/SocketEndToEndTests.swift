import Logging
import NIOCore
import NIOPosix
import RESP
import Testing
@testable import RaftServer

/// Collects replies on the client side and reports when the server closed the connection.
final class ReplyCollector: ChannelInboundHandler, @unchecked Sendable {
    typealias InboundIn = RESPValue
    private(set) var replies: [RESPValue] = []
    let closed: EventLoopPromise<[RESPValue]>

    init(closed: EventLoopPromise<[RESPValue]>) { self.closed = closed }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        replies.append(unwrapInboundIn(data))
    }

    func channelInactive(context: ChannelHandlerContext) {
        closed.succeed(replies)
    }

    func errorCaught(context: ChannelHandlerContext, error: any Error) {
        closed.fail(error)
        context.close(promise: nil)
    }
}

@Suite("Client port over real sockets")
struct SocketEndToEndTests {
    @Test func repliesCompletedOnOtherEventLoopsArriveInOrderAndHalfCloseIsHonoured() async throws {
        let group = MultiThreadedEventLoopGroup(numberOfThreads: 2)
        // Each command sleeps the given milliseconds on some event loop, so later requests
        // finish first.
        let handler = ClosureClientCommandHandler { args, context in
            let delay = Int64(text(args.last ?? [])) ?? 0
            let loop = group.next()
            return loop.scheduleTask(in: .milliseconds(delay)) { RESPValue.bulkString(args.last ?? []) }.futureResult
        }
        let server = try await ServerBootstrap(group: group)
            .serverChannelOption(.socketOption(.so_reuseaddr), value: 1)
            .childChannelOption(.allowRemoteHalfClosure, value: true)
            .childChannelInitializer { channel in
                channel.eventLoop.makeCompletedFuture {
                    try channel.pipeline.syncOperations.addClientProtocolHandlers(
                        commandHandler: handler, connectionID: 1, logger: Logger(label: "test"))
                }
            }
            .bind(host: "127.0.0.1", port: 0).get()
        let port = try #require(server.localAddress?.port)

        let closed = group.next().makePromise(of: [RESPValue].self)
        let client = try await ClientBootstrap(group: group)
            .channelOption(.allowRemoteHalfClosure, value: true)
            .channelInitializer { channel in
                channel.eventLoop.makeCompletedFuture {
                    try channel.pipeline.syncOperations.addHandler(MessageToByteHandler(RESPValueEncoder()))
                    try channel.pipeline.syncOperations.addHandler(ByteToMessageHandler(RESPReplyFrameDecoder()))
                    try channel.pipeline.syncOperations.addHandler(ReplyCollector(closed: closed))
                }
            }
            .connect(host: "127.0.0.1", port: port).get()

        for delay in ["120", "60", "0", "30"] {
            client.write(RESPValue.command("SLEEP", delay), promise: nil)
        }
        client.flush()
        // Half-close: the server must still answer all four, then close.
        try await client.close(mode: .output)
        let replies = try await closed.futureResult.get()
        #expect(replies == ["120", "60", "0", "30"].map { RESPValue.bulk($0) })

        try await server.close()
        try await group.shutdownGracefully()
    }
}
