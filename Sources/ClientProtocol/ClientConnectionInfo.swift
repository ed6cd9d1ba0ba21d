import NIOCore

/// Facts about a client connection that are safe to pass anywhere.
public struct ClientConnectionInfo: Sendable, CustomStringConvertible {
    public let id: UInt64
    public let remoteAddress: SocketAddress?
    public let eventLoop: any EventLoop

    public var description: String { "client#\(id)@\(remoteAddress.map { "\($0)" } ?? "?")" }
}
