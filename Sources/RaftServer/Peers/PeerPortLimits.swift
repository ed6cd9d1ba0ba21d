import NIOCore

/// How much an unauthenticated stranger may hold of the peer port (issue 15, "secure to
/// expose"). Every inbound peer connection counts against `maxConnections`; one that has not yet
/// proved itself (the cluster-secret handshake, or without a secret its first hello frame) also
/// counts against `maxUnauthenticated` and must do so within `handshakeTimeout`. Connections
/// beyond either cap are closed at once with a logged reason and counted in the metrics.
public struct PeerPortLimits: Sendable, Equatable {
    /// Inbound peer connections open at once. A member holds one per peer (plus a join or a
    /// snapshot link now and then), so 64 leaves room for the largest cluster (15 nodes) many times.
    public var maxConnections: Int
    /// Inbound connections still in their handshake at once: what a flood of half-open
    /// connections can occupy. Members reconnecting after a partition need only a few.
    public var maxUnauthenticated: Int
    /// From accept to the end of the handshake (a deadline, not an idle timer: bytes dribbled
    /// one at a time do not extend it).
    public var handshakeTimeout: TimeAmount

    public init(maxConnections: Int = 64, maxUnauthenticated: Int = 16, handshakeTimeout: TimeAmount = .seconds(5)) {
        self.maxConnections = maxConnections
        self.maxUnauthenticated = maxUnauthenticated
        self.handshakeTimeout = handshakeTimeout
    }
}
