#if canImport(Glibc)
import Glibc
#endif
import Prometheus

/// Who may talk to the node: peers prove a shared secret, clients give a password.
public struct SecurityOptions: Sendable {
    /// Peers authenticate each other with HMAC-SHA256 challenge and response over this secret
    /// (docs/peer-protocol.md). Nil: no peer authentication (and a peer that asks for it is refused).
    public var clusterSecret: [UInt8]?
    /// Clients must `AUTH` (or `HELLO 3 AUTH default pw`) with this password before any
    /// command but AUTH, HELLO and QUIT, as Redis's `requirepass`.
    public var requirePass: String?
    /// The IP the client port listens on (Redis's `bind`); nil: the host of the client address.
    public var bindHost: String?
    /// The `admin` user's password (`AUTH admin password`): when set, admin commands (RAFT.ADD,
    /// REMOVE, TRANSFER, JOIN, SHUTDOWN, CHECKPOINT, CONFIG, GETDUMP, GETLOG, FLUSHALL, FLUSHDB)
    /// are refused with NOPERM to every other connection.
    public var adminPass: String?
    /// Redis's protected mode (on by default): with no `requirePass` and a client port bound
    /// beyond loopback, clients that are not on loopback get DENIED (Sources/ClientProtocol/ProtectedMode.swift).
    public var protectedMode = true
    /// Caps on the peer port's inbound connections and its handshake deadline (PeerPortLimits).
    public var peerLimits = PeerPortLimits()
    /// TLS on the client port and mutual TLS on the peer port (RaftServerOptions+TLS.swift);
    /// nil: both ports are plain TCP.
    public var tls: NodeTLS?

    public init(clusterSecret: [UInt8]? = nil, requirePass: String? = nil, bindHost: String? = nil) {
        self.clusterSecret = clusterSecret
        self.requirePass = requirePass
        self.bindHost = bindHost
    }

    /// Reads a secret or password file: its bytes with trailing newlines and spaces removed
    /// (so `echo secret > file` works). Empty files and unreadable paths are errors.
    public static func readSecretFile(_ path: String, what: String) throws(NodeOptionError) -> [UInt8] {
        guard let f = fopen(path, "rb") else {
            throw NodeOptionError("cannot read \(what) '\(path)': \(String(cString: strerror(errno)))")
        }
        defer { fclose(f) }
        var bytes: [UInt8] = []
        var chunk = [UInt8](repeating: 0, count: 4096)
        while bytes.count <= 1 << 20 {
            let n = fread(&chunk, 1, chunk.count, f)
            if n <= 0 { break }
            bytes += chunk[0..<n]
        }
        guard bytes.count <= 1 << 20 else { throw NodeOptionError("\(what) '\(path)' is larger than 1 MiB") }
        while let last = bytes.last, last == 0x0A || last == 0x0D || last == 0x20 || last == 0x09 { bytes.removeLast() }
        guard !bytes.isEmpty else { throw NodeOptionError("\(what) '\(path)' is empty") }
        return bytes
    }
}

/// How the node is observed and stopped.
public struct OperationsOptions: Sendable {
    /// Serve Prometheus text format on `GET /metrics` here (nil: no endpoint).
    public var metricsAddress: NodeAddress?
    /// What the endpoint serves; nil: `PrometheusMetricsFactory.defaultRegistry`. The node's
    /// metrics reach it only if the application bootstrapped swift-metrics with a
    /// `PrometheusMetricsFactory` on the same registry (raft-node does).
    public var metricsRegistry: PrometheusCollectorRegistry?
    /// On shutdown, how long in-flight client requests may take to finish.
    public var drainMilliseconds: Int
    /// On shutdown, how long a leader waits for its chosen successor to take over.
    public var handoverMilliseconds: Int

    public init(metricsAddress: NodeAddress? = nil, metricsRegistry: PrometheusCollectorRegistry? = nil, drainMilliseconds: Int = 2000, handoverMilliseconds: Int = 2000) {
        self.metricsAddress = metricsAddress
        self.metricsRegistry = metricsRegistry
        self.drainMilliseconds = drainMilliseconds
        self.handoverMilliseconds = handoverMilliseconds
    }
}

extension RaftServerOptions {
    /// Where the client port binds: --bind's IP (if given) and the client port.
    var clientListenAddress: NodeAddress {
        NodeAddress(host: security.bindHost ?? clientAddress.host, port: clientAddress.port)
    }
}

extension RaftServerOptions {
    /// Protected mode applies: switched on, no client password, and listening beyond loopback.
    var protectsClientPort: Bool {
        security.protectedMode && security.requirePass == nil && !clientListenAddress.host.hasPrefix("127.")
    }
}
