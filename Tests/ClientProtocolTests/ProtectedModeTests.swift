import NIOCore
import NIOEmbedded
import Testing
@testable import ClientProtocol
@testable import RaftServer

/// Redis's protected mode: a connection from outside loopback is answered DENIED and closed;
/// one from loopback goes on to the protocol handlers.
@Suite struct ProtectedModeTests {
    /// An EmbeddedChannel whose peer is `remote`, with the handler in front of a recorder.
    static func connect(from remote: String, port: Int = 40000) throws -> (channel: EmbeddedChannel, passed: Recorder) {
        let recorder = Recorder()
        let channel = EmbeddedChannel()
        try channel.pipeline.syncOperations.addHandler(ProtectedModeHandler())
        try channel.pipeline.syncOperations.addHandler(recorder)
        try channel.connect(to: SocketAddress(ipAddress: remote, port: port)).wait()
        return (channel, recorder)
    }

    final class Recorder: ChannelInboundHandler {
        typealias InboundIn = ByteBuffer
        var active = false
        var reads = 0
        func channelActive(context: ChannelHandlerContext) { active = true }
        func channelRead(context: ChannelHandlerContext, data: NIOAny) { reads += 1 }
    }

    @Test(arguments: ["192.0.2.7", "10.1.2.3", "::ffff:192.0.2.7", "2001:db8::1"])
    func aClientFromOutsideLoopbackIsDeniedWithRedisTextAndClosed(remote: String) throws {
        let (channel, passed) = try Self.connect(from: remote)
        let written = try channel.readOutbound(as: ByteBuffer.self).map { String(buffer: $0) }
        #expect(written == ProtectedModeHandler.denied)
        #expect(written?.hasPrefix("-DENIED Redis is running in protected mode because protected mode is enabled and no password is set for the default user.") == true)
        #expect(!passed.active)
        try channel.writeInbound(channel.allocator.buffer(string: "*1\r\n$4\r\nPING\r\n"))
        #expect(passed.reads == 0, "a denied connection's bytes never reach the protocol")
        #expect(!channel.isActive)
    }

    @Test(arguments: ["127.0.0.1", "127.3.4.5", "::1", "::ffff:127.0.0.1"])
    func aClientOnLoopbackIsServed(remote: String) throws {
        let (channel, passed) = try Self.connect(from: remote)
        #expect(try channel.readOutbound(as: ByteBuffer.self) == nil)
        #expect(passed.active)
        try channel.writeInbound(channel.allocator.buffer(string: "*1\r\n$4\r\nPING\r\n"))
        #expect(passed.reads == 1)
        _ = try? channel.finish()
    }

    @Test func itAppliesOnlyWithoutAPasswordAndBeyondLoopback() throws {
        var o = RaftServerOptions(id: "1", clientAddress: try NodeAddress(parsing: "127.0.0.1:7000"))
        #expect(!o.protectsClientPort, "bound to loopback: nothing to protect")
        o.security.bindHost = "0.0.0.0"
        #expect(o.protectsClientPort)
        o.security.requirePass = "secret"
        #expect(!o.protectsClientPort, "a password protects the port instead")
        o.security.requirePass = nil
        o.security.protectedMode = false
        #expect(!o.protectsClientPort, "--protected-mode no")
    }
}
