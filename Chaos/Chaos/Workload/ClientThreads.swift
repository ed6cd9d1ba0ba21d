import Foundation

/// The threads of a workload's clients, one per client: started once, told to stop together,
/// and waited for with a bound (a client may be inside a request that only its timeout ends).
/// Both workload drivers run their clients through this.
final class ClientThreads: @unchecked Sendable {
    /// Fired by `stop`; clients poll it between requests and sleep on it.
    let stopping = StopSignal()
    private let lock = NSLock()
    private var running = 0
    private var started = false

    /// The seed of client number `index` (from 1), drawn from the run's seed so that every
    /// client has its own stream and a run's seed repeats every client's choices.
    static func clientSeed(_ runSeed: UInt64, index: UInt64) -> UInt64 { runSeed &+ index &* 0x9E37_79B9_7F4A_7C15 }

    /// Runs each client's `run` on a thread of its own, named `name`. Starting twice is refused.
    func start(_ clients: [(name: String, run: @Sendable () -> Void)]) throws {
        try lock.withLock {
            guard !started else { throw WorkloadError("the workload was already started") }
            started = true
            running = clients.count
        }
        for client in clients {
            let thread = Thread { [self] in
                client.run()
                lock.withLock { running -= 1 }
            }
            thread.name = client.name
            thread.start()
        }
    }

    /// Tells every client to stop and waits until all have, or `seconds` have passed.
    func stop(waitingAtMost seconds: Double) async {
        stopping.fire()
        let deadline = Date().addingTimeInterval(seconds)
        while lock.withLock({ running > 0 }) && Date() < deadline {
            try? await Task.sleep(nanoseconds: 20_000_000)
        }
    }
}

/// A client's connection to its node, made on first use and again after `drop()` (a request
/// that timed out may still be answered: its late reply must not answer the next request).
final class NodeConnection: @unchecked Sendable {
    private let endpoint: ClientEndpoint
    private let timeout: Double
    private var connection: RESPConnection?

    init(endpoint: ClientEndpoint, timeout: Double) {
        self.endpoint = endpoint
        self.timeout = timeout
    }

    /// The open connection, or a new one; nil when the node cannot be reached now.
    func connected() -> RESPConnection? {
        if let connection { return connection }
        connection = try? RESPConnection(host: endpoint.host, port: endpoint.port, timeout: timeout)
        return connection
    }

    func drop() {
        connection?.close()
        connection = nil
    }
}
