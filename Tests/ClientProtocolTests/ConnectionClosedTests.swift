import Logging
import NIOCore
import NIOEmbedded
import RESP
import Testing

@testable import ClientProtocol

/// A command handler is told once when its connection closes, so connection-level state held
/// elsewhere (a subscription, a blocked pop) can be released.
struct ConnectionClosedTests {
    final class Recorder: FutureClientCommandHandler, @unchecked Sendable {
        var closed: [UInt64] = []
        func handle(_ arguments: [[UInt8]], context: ClientRequestContext) -> EventLoopFuture<RESPValue> {
            if text(arguments[0]) == "QUIT" { context.closeAfterReply() }
            return context.connection.eventLoop.makeSucceededFuture(.ok)
        }
        func connectionClosed(_ connection: ClientConnectionInfo) { closed.append(connection.id) }
    }

    private func open(_ recorder: Recorder, id: UInt64) throws -> EmbeddedChannel {
        let channel = EmbeddedChannel()
        try channel.pipeline.syncOperations.addClientProtocolHandlers(commandHandler: recorder, connectionID: id, logger: Logger(label: "test"))
        try channel.connect(to: SocketAddress(ipAddress: "127.0.0.1", port: 6379)).wait()
        return channel
    }

    @Test func quitClosesTheConnectionAndTheHandlerHearsOfItOnce() throws {
        let recorder = Recorder()
        let channel = try open(recorder, id: 41)
        try channel.writeInbound(channel.allocator.buffer(string: "*1\r\n$4\r\nPING\r\n*1\r\n$4\r\nQUIT\r\n"))
        channel.embeddedEventLoop.run()
        #expect(recorder.closed == [41])
        _ = try? channel.finish(acceptAlreadyClosed: true)
        #expect(recorder.closed == [41])
    }

    @Test func aClientThatGoesAwayIsReportedToo() throws {
        let recorder = Recorder()
        let channel = try open(recorder, id: 42)
        try channel.writeInbound(channel.allocator.buffer(string: "*1\r\n$4\r\nPING\r\n"))
        #expect(recorder.closed.isEmpty)
        _ = try? channel.finish(acceptAlreadyClosed: true)
        #expect(recorder.closed == [42])
    }
}
