import Logging
import NIOCore
import NIOPosix
import RESP
import Testing
@testable import ClientProtocol

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

    @Test func clientThatNeverReadsIsClosedOnceUnsentRepliesPassTheCap() async throws {
        let group = MultiThreadedEventLoopGroup(numberOfThreads: 2)
        let value = RESPValue.bulkString([UInt8](repeating: 0x61, count: 64 * 1024))
        let handler = ClosureClientCommandHandler { _, context in context.connection.eventLoop.makeSucceededFuture(value) }
        let serverClosed = group.next().makePromise(of: Void.self)
        // Reading never pauses here, so only the cap can stop the growth.
        let configuration = ClientProtocolConfiguration(
            maxUnsentReplyBytes: 1024 * 1024, pauseReadingAboveUnsentBytes: .max, maxInFlightCommands: .max)
        let server = try await ServerBootstrap(group: group)
            .serverChannelOption(.socketOption(.so_reuseaddr), value: 1)
            .childChannelInitializer { channel in
                channel.eventLoop.makeCompletedFuture {
                    try channel.pipeline.syncOperations.addClientProtocolHandlers(
                        commandHandler: handler, configuration: configuration, connectionID: 2, logger: Logger(label: "test"))
                    try channel.pipeline.syncOperations.addHandler(CloseProbe(closed: serverClosed))
                }
            }
            .bind(host: "127.0.0.1", port: 0).get()
        let port = try #require(server.localAddress?.port)

        // A client that sends 400 requests (25 MiB of replies, more than loopback buffers
        // hold) and never reads.
        let client = try await ClientBootstrap(group: group)
            .channelOption(.autoRead, value: false)
            .connect(host: "127.0.0.1", port: port).get()
        let requests = [UInt8](String(repeating: "GET k\r\n", count: 400).utf8)
        try await client.writeAndFlush(ByteBuffer(bytes: requests))

        let deadline = group.next().scheduleTask(in: .seconds(20)) { serverClosed.fail(ChannelError.connectTimeout(.seconds(20))) }
        try await serverClosed.futureResult.get()
        deadline.cancel()

        try? await client.close()  // the server may have closed it already
        try await server.close()
        try await group.shutdownGracefully()
    }
}

/// Reports when the server side of a connection closed.
final class CloseProbe: ChannelInboundHandler, @unchecked Sendable {
    typealias InboundIn = Never
    let closed: EventLoopPromise<Void>
    init(closed: EventLoopPromise<Void>) { self.closed = closed }
    func channelInactive(context: ChannelHandlerContext) {
        closed.succeed()
        context.fireChannelInactive()
    }
}
