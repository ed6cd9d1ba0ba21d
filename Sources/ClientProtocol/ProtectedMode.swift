import NIOCore

/// Redis's protected mode: while no client password is configured, a client port that
/// listens beyond loopback answers connections from any other address with Redis's DENIED
/// error and closes them, so a node started without `--requirepass` on `--bind 0.0.0.0` does not
/// hand its data (and its membership commands) to the network. `--protected-mode no` turns it
/// off; a password turns it off too (clients then need it).
public final class ProtectedModeHandler: ChannelInboundHandler {
    public typealias InboundIn = ByteBuffer

    public init() {}

    /// Redis's own words (networking.c), adapted only where Redis names its config file.
    public static let denied = "-DENIED Redis is running in protected mode because protected mode is enabled and no password is set for the default user. In this mode connections are only accepted from the loopback interface. If you want to connect from external computers to Redis you may adopt one of the following solutions: 1) Just disable protected mode sending the command 'CONFIG SET protected-mode no' from the loopback interface by connecting to Redis from the same host the server is running, however MAKE SURE Redis is not publicly accessible from internet if you do so. Use CONFIG REWRITE to make this change permanent. 2) Alternatively you can just disable the protected mode by editing the Redis configuration file, and setting the protected mode option to 'no', and then restarting the server. 3) If you started the server manually just for testing, restart it with the '--protected-mode no' option. 4) Set up an authentication password for the default user. NOTE: You only need to do one of the above things in order for the server to start accepting connections from the outside.\r\n"

    private var denied = false

    public func channelActive(context: ChannelHandlerContext) {
        guard Self.isLoopback(context.channel.remoteAddress) else {
            denied = true
            let reply = context.channel.allocator.buffer(string: Self.denied)
            context.writeAndFlush(NIOAny(reply)).assumeIsolated().whenComplete { _ in context.close(promise: nil) }
            return  // the rest of the pipeline never sees this connection
        }
        context.fireChannelActive()
    }

    public func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        if !denied { context.fireChannelRead(data) }
    }

    public func channelInactive(context: ChannelHandlerContext) {
        if !denied { context.fireChannelInactive() }  // the counters behind never counted it
    }

    /// 127.0.0.0/8 and ::1 (and IPv4-mapped 127.x); an unknown address is not loopback.
    public static func isLoopback(_ address: SocketAddress?) -> Bool {
        guard let ip = address?.ipAddress else { return false }
        if ip == "::1" { return true }
        let v4 = ip.hasPrefix("::ffff:") ? String(ip.dropFirst("::ffff:".count)) : ip
        return v4.hasPrefix("127.")
    }
}
