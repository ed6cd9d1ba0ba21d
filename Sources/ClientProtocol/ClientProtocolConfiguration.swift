import NIOCore
import RESP

/// Limits and policies of one client connection.
public struct ClientProtocolConfiguration: Sendable {
    /// Request size limits: Redis's by default; the node passes its own (`.raftNode`, a whole
    /// request capped to fit a peer frame).
    public var limits: RESPRequestLimits
    /// Reply bytes written but not yet taken by the socket beyond which the client is deemed
    /// never to read its replies: the connection is logged and closed rather than let grow.
    public var maxUnsentReplyBytes: Int
    /// Above this many unsent reply bytes, stop reading requests until the client catches up.
    public var pauseReadingAboveUnsentBytes: Int
    /// Stop reading requests while this many are awaiting their replies (bounds the memory a
    /// pipelining client can make the node hold).
    public var maxInFlightCommands: Int
    /// Close a connection that sent nothing for this long while nothing was owed to it.
    /// `nil` keeps idle connections open forever, as Redis's default `timeout 0` does.
    public var idleTimeout: TimeAmount?
    /// The protocol of a new connection until HELLO changes it.
    public var initialProtocolVersion: RESPVersion
    /// Caps simultaneous connections (Redis's maxclients); `nil` admits every connection.
    public var connectionLimit: ClientConnectionLimit?

    public init(
        limits: RESPRequestLimits = RESPRequestLimits(),
        maxUnsentReplyBytes: Int = 64 * 1024 * 1024,
        pauseReadingAboveUnsentBytes: Int = 1024 * 1024,
        maxInFlightCommands: Int = 256,
        idleTimeout: TimeAmount? = nil,
        initialProtocolVersion: RESPVersion = .resp2,
        connectionLimit: ClientConnectionLimit? = .process
    ) {
        self.limits = limits
        self.maxUnsentReplyBytes = maxUnsentReplyBytes
        self.pauseReadingAboveUnsentBytes = pauseReadingAboveUnsentBytes
        self.maxInFlightCommands = maxInFlightCommands
        self.idleTimeout = idleTimeout
        self.initialProtocolVersion = initialProtocolVersion
        self.connectionLimit = connectionLimit
    }
}
