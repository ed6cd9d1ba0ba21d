import Logging
import NIOCore
import NIOPosix
import RESP
import RaftServer

/// `resp-bench serve PORT`: the client-port handlers in front of a toy in-memory store, so
/// redis-cli and redis-benchmark can exercise the NIO path end to end:
///   redis-benchmark -p PORT -t set,get -n 200000 -P 16 -q
enum ServeMode {
    /// Confined to the single event loop, so plain mutation is safe.
    final class Store: @unchecked Sendable {
        var data: [[UInt8]: [UInt8]] = [:]
    }

    static func run(port: Int) throws {
        let group = MultiThreadedEventLoopGroup(numberOfThreads: 1)
        let store = Store()
        let handler = ClosureClientCommandHandler { args, context in
            let loop = context.connection.eventLoop
            let name = String(decoding: args[0], as: UTF8.self).uppercased()
            let reply: RESPValue
            switch (name, args.count) {
            case ("PING", 1): reply = .simpleString("PONG")
            case ("SET", 3):
                store.data[args[1]] = args[2]
                reply = .ok
            case ("GET", 2): reply = .bulkString(store.data[args[1]])
            case ("HELLO", _):
                let version: RESPVersion = args.count > 1 && args[1] == Array("3".utf8) ? .resp3 : .resp2
                context.setProtocolVersion(version)
                reply = .map([.init(.bulk("server"), .bulk("resp-bench")), .init(.bulk("proto"), .integer(Int64(version.rawValue)))])
            case ("QUIT", _):
                context.closeAfterReply()
                reply = .ok
            case ("CONFIG", _): reply = .array([])
            default: reply = .error("ERR unknown command '\(name)'")
            }
            return loop.makeSucceededFuture(reply)
        }
        let server = try ServerBootstrap(group: group)
            .serverChannelOption(.socketOption(.so_reuseaddr), value: 1)
            .childChannelOption(.allowRemoteHalfClosure, value: true)
            .childChannelOption(.socketOption(.tcp_nodelay), value: 1)
            .childChannelInitializer { channel in
                channel.eventLoop.makeCompletedFuture {
                    try channel.pipeline.syncOperations.addClientProtocolHandlers(
                        commandHandler: handler, connectionID: 0, logger: Logger(label: "resp-bench"))
                }
            }
            .bind(host: "127.0.0.1", port: port).wait()
        print("serving on 127.0.0.1:\(port)")
        try server.closeFuture.wait()
    }
}
