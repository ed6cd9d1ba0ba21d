import ArgumentParser
import Metrics
import Prometheus
import RaftServer

/// The flags of operations and security (docs/OPERATIONS.md): metrics, the peer secret,
/// client passwords and the client bind address.
struct OperationsFlags: ParsableArguments {
    @Option(name: .customLong("metrics-addr"), help: ArgumentHelp("Serve Prometheus metrics on http://IP:PORT/metrics.", valueName: "IP:PORT"))
    var metricsAddress: String?

    @Option(name: .customLong("cluster-secret-file"), help: ArgumentHelp("File holding the secret every peer must prove (HMAC challenge and response); the same file on every node.", valueName: "FILE"))
    var clusterSecretFile: String?

    @Option(name: .customLong("requirepass"), help: ArgumentHelp("Clients must AUTH with this password (visible in ps: prefer --requirepass-file).", valueName: "PASSWORD"))
    var requirePass: String?

    @Option(name: .customLong("requirepass-file"), help: ArgumentHelp("Read the client password from this file.", valueName: "FILE"))
    var requirePassFile: String?

    @Option(name: .customLong("admin-pass-file"), help: ArgumentHelp("Configure the user 'admin' with the password in this file: admin commands (RAFT.ADD/REMOVE/TRANSFER, SHUTDOWN, CHECKPOINT, CONFIG, FLUSHALL...) then need AUTH admin PASSWORD (others get NOPERM).", valueName: "FILE"))
    var adminPassFile: String?

    @Option(name: .customLong("protected-mode"), help: ArgumentHelp("yes (default): with no client password and a client port bound beyond loopback, refuse clients that are not on loopback (Redis's DENIED); no: serve everyone.", valueName: "yes|no"))
    var protectedMode: String = "yes"

    @Option(name: .customLong("peer-max-connections"), help: ArgumentHelp("Inbound peer connections open at once; more are closed at accept (default 64).", valueName: "N"))
    var peerMaxConnections: Int?

    @Option(name: .customLong("peer-max-handshakes"), help: ArgumentHelp("Inbound peer connections still in their handshake at once (default 16); each has 5 s to finish it.", valueName: "N"))
    var peerMaxHandshakes: Int?

    @Option(name: .customLong("snapshot-send-rate"), help: ArgumentHelp("Send snapshot files to lagging or new members at most this fast, per second (e.g. 32mb; Redis units: k/m/g are 1000s, kb/mb/gb 1024s). Default: unlimited.", valueName: "SIZE"))
    var snapshotSendRate: String?

    @Option(name: .customLong("io-threads"), help: ArgumentHelp("Event-loop threads for client and peer connections (default 1, like redis-server: every request is handled on the node's one Raft loop, with no hand-over between threads; more only spreads the parsing of many busy connections).", valueName: "N"))
    var ioThreads: Int?

    @OptionGroup var tls: TLSFlags  // TLSFlags.swift

    @Option(name: .customLong("bind"), help: ArgumentHelp("IP the client port listens on (default: the IP of -a; 0.0.0.0 for all).", valueName: "IP"))
    var bind: String?

    /// Sets the operations and security parts of `options`; errors name the flag.
    func apply(to options: inout RaftServerOptions) throws(NodeOptionError) {
        if let metricsAddress {
            let a = try NodeAddress(parsing: metricsAddress)
            options.operations.metricsAddress = a
        }
        if let clusterSecretFile {
            options.security.clusterSecret = try SecurityOptions.readSecretFile(clusterSecretFile, what: "--cluster-secret-file")
        }
        if requirePass != nil && requirePassFile != nil { throw NodeOptionError("give --requirepass or --requirepass-file, not both") }
        if let requirePass {
            guard !requirePass.isEmpty else { throw NodeOptionError("--requirepass must not be empty") }
            options.security.requirePass = requirePass
        }
        if let requirePassFile {
            let bytes = try SecurityOptions.readSecretFile(requirePassFile, what: "--requirepass-file")
            guard let text = String(validating: bytes, as: UTF8.self) else { throw NodeOptionError("--requirepass-file '\(requirePassFile)' is not UTF-8 text") }
            options.security.requirePass = text
        }
        if let adminPassFile {
            let bytes = try SecurityOptions.readSecretFile(adminPassFile, what: "--admin-pass-file")
            guard let text = String(validating: bytes, as: UTF8.self) else { throw NodeOptionError("--admin-pass-file '\(adminPassFile)' is not UTF-8 text") }
            options.security.adminPass = text
        }
        switch protectedMode.lowercased() {
        case "yes": options.security.protectedMode = true
        case "no": options.security.protectedMode = false
        default: throw NodeOptionError("--protected-mode '\(protectedMode)' must be yes or no")
        }
        if let peerMaxConnections {
            guard peerMaxConnections >= 1 else { throw NodeOptionError("--peer-max-connections must be at least 1, not \(peerMaxConnections)") }
            options.security.peerLimits.maxConnections = peerMaxConnections
        }
        if let peerMaxHandshakes {
            guard peerMaxHandshakes >= 1 else { throw NodeOptionError("--peer-max-handshakes must be at least 1, not \(peerMaxHandshakes)") }
            options.security.peerLimits.maxUnauthenticated = peerMaxHandshakes
        }
        if let snapshotSendRate {
            let rate = try ByteSize.parse(snapshotSendRate, what: "--snapshot-send-rate")
            guard rate >= 1024 else { throw NodeOptionError("--snapshot-send-rate must be at least 1kb a second, not '\(snapshotSendRate)'") }
            options.snapshotSendBytesPerSecond = rate
        }
        if let ioThreads {
            guard (1...64).contains(ioThreads) else { throw NodeOptionError("--io-threads must be between 1 and 64, not \(ioThreads)") }
            options.ioThreads = ioThreads
        }
        try tls.apply(to: &options)
        if let bind {
            // Same rules as -a's IP (a numeric IPv4 or localhost); 0.0.0.0 listens everywhere.
            let parsed = try NodeAddress(parsing: "\(bind):1")
            options.security.bindHost = parsed.host
        }
    }

    /// Routes swift-metrics to Prometheus's default registry, which --metrics-addr serves.
    func bootstrapMetrics() {
        guard metricsAddress != nil else { return }
        var factory = PrometheusMetricsFactory()
        factory.defaultDurationHistogramBuckets = [
            .microseconds(100), .microseconds(250), .microseconds(500), .milliseconds(1), .milliseconds(2), .milliseconds(5),
            .milliseconds(10), .milliseconds(25), .milliseconds(50), .milliseconds(100), .milliseconds(250), .milliseconds(500),
            .seconds(1), .milliseconds(2500), .seconds(5),
        ]
        MetricsSystem.bootstrap(factory)
    }
}
