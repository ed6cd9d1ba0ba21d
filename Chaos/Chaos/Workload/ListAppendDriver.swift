import Foundation
import Linearizability

/// The list-append workload (`raft-chaos run --workload list-append`): `clientsPerNode`
/// transactional clients per node, each sending MULTI / RPUSH / LRANGE ... / EXEC over a few
/// shared keys, recorded into one history whose header names the `list-append` check. There is
/// no final read: the check judges every committed read against every other.
public final class ListAppendDriver: RunWorkload, @unchecked Sendable {
    public let endpoints: [ClientEndpoint]
    public let seed: UInt64
    public let options: ListAppendOptions
    public let historyURL: URL

    private let keys: ListAppendKeys
    private let recorder: HistoryRecorder
    private let threads = ClientThreads()

    public init(endpoints: [ClientEndpoint], seed: UInt64, options: ListAppendOptions = ListAppendOptions(), historyURL: URL) throws {
        guard !endpoints.isEmpty else { throw WorkloadError("the workload needs at least one node to talk to") }
        if let problem = options.problem { throw WorkloadError(problem) }
        self.endpoints = endpoints
        self.seed = seed
        self.options = options
        self.historyURL = historyURL
        keys = ListAppendKeys(options: options)
        recorder = try HistoryRecorder(url: historyURL, model: ListAppend.modelName)
    }

    /// Starts every client, each on its own thread until `stop()`. Starting twice is refused.
    public func start() throws {
        var clients: [(name: String, run: @Sendable () -> Void)] = []
        for endpoint in endpoints {
            for _ in 0..<options.clientsPerNode {
                let index = UInt64(clients.count + 1)
                let client = ListAppendClient(
                    endpoint: endpoint, seed: ClientThreads.clientSeed(seed, index: index), keys: keys, recorder: recorder,
                    stopping: threads.stopping)
                clients.append((name: "list-append-\(endpoint.node)-\(index)", run: client.run))
            }
        }
        try threads.start(clients)
    }

    public func progressCounts() -> (ok: Int, fail: Int, info: Int) {
        let c = recorder.counts
        return (c.ok, c.fail, c.info)
    }

    /// Stops sending, waits for the transactions in flight (each of its up to `maxSteps + 2`
    /// requests is bounded by the client timeout), and closes the history. Safe to call twice.
    public func stop() async {
        await threads.stop(waitingAtMost: options.clientTimeout * Double(options.maxSteps + 2) + 1)
        recorder.close()
    }

    public var checksLostWrites: Bool { false }

    public func finalRead() async -> (lost: [String], summary: String) {
        await stop()
        return ([], "none (list-append: the serializability check judges every read)")
    }

    /// An error met while writing the history, if any (the history is then incomplete).
    public var historyError: String? { recorder.writeError }
}
