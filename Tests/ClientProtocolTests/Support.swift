import Logging
import NIOCore
import NIOEmbedded
import RESP
@testable import ClientProtocol

func bytes(_ s: String) -> [UInt8] { Array(s.utf8) }
func text(_ b: [UInt8]) -> String { String(decoding: b, as: UTF8.self) }

/// The command side of a test: records what arrived and answers either at once (with
/// `answer`) or later (the test completes `deferred` promises in any order it likes).
/// EmbeddedChannel runs everything on the test's thread, hence unchecked Sendable.
final class ScriptedCommands: @unchecked Sendable {
    var received: [[String]] = []
    var deferred: [EventLoopPromise<RESPValue>] = []
    var answerLater = false
    /// Runs for every request before it is answered (e.g. to switch the protocol).
    var onCommand: (_ args: [String], _ context: ClientRequestContext) -> Void = { _, _ in }
    var answer: (_ args: [String], _ context: ClientRequestContext) -> RESPValue = { args, _ in
        .bulk(args.joined(separator: " "))
    }

    var handler: ClosureClientCommandHandler {
        ClosureClientCommandHandler { args, context in
            let words = args.map(text)
            self.received.append(words)
            self.onCommand(words, context)
            if self.answerLater {
                let promise = context.connection.eventLoop.makePromise(of: RESPValue.self)
                self.deferred.append(promise)
                return promise.futureResult
            }
            return context.connection.eventLoop.makeSucceededFuture(self.answer(words, context))
        }
    }
}

/// A client port on an EmbeddedChannel, with helpers to send bytes and read what was written.
struct TestConnection {
    let channel: EmbeddedChannel

    init(_ commands: ScriptedCommands, configuration: ClientProtocolConfiguration = .init(), front: [any ChannelHandler] = []) throws {
        channel = EmbeddedChannel()
        for handler in front { try channel.pipeline.syncOperations.addHandler(handler) }
        try channel.pipeline.syncOperations.addClientProtocolHandlers(
            commandHandler: commands.handler,
            configuration: configuration,
            connectionID: 7,
            logger: Logger(label: "test")
        )
        try channel.connect(to: SocketAddress(ipAddress: "127.0.0.1", port: 6379)).wait()
    }

    func send(_ s: String) throws { try send(bytes(s)) }

    func send(_ b: [UInt8]) throws {
        try channel.writeInbound(channel.allocator.buffer(bytes: b))
        channel.embeddedEventLoop.run()
    }

    /// Everything written to the client since the last call, as text.
    func written() throws -> String {
        channel.embeddedEventLoop.run()
        var out: [UInt8] = []
        while let buffer = try channel.readOutbound(as: ByteBuffer.self) {
            out += buffer.readableBytesView
        }
        return text(out)
    }

    var isOpen: Bool { channel.isActive }

    func finish() { _ = try? channel.finish(acceptAlreadyClosed: true) }
}

/// Sits next to the socket and keeps every write, as a socket would whose peer never reads.
final class StallingSocket: ChannelOutboundHandler, @unchecked Sendable {
    typealias OutboundIn = ByteBuffer
    var heldBytes = 0
    private var held: [EventLoopPromise<Void>] = []

    func write(context: ChannelHandlerContext, data: NIOAny, promise: EventLoopPromise<Void>?) {
        heldBytes += unwrapOutboundIn(data).readableBytes
        if let promise { held.append(promise) }
    }

    func flush(context: ChannelHandlerContext) {}

    /// The client reads at last: every write held so far completes.
    func release() {
        let pending = held
        held = []
        for p in pending { p.succeed() }
    }

    func close(context: ChannelHandlerContext, mode: CloseMode, promise: EventLoopPromise<Void>?) {
        let pending = held
        held = []
        for p in pending { p.fail(ChannelError.ioOnClosedChannel) }
        context.close(mode: mode, promise: promise)
    }
}

/// Counts the read requests that reach the socket (those the connection did not hold back).
final class ReadCounter: ChannelOutboundHandler, @unchecked Sendable {
    typealias OutboundIn = ByteBuffer
    var reads = 0

    func read(context: ChannelHandlerContext) {
        reads += 1
        context.read()
    }
}
