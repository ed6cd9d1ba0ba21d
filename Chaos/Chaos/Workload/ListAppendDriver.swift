import Foundation
import Linearizability

/// The list-append workload (`raft-chaos run --workload list-append`): `clientsPerNode`
/// transactional clients per node, each sending MULTI / RPUSH / LRANGE ... / EXEC over a few
/// shared keys, recorded into one history whose header names the `list-append` check. After the
/// heal, `finalRead()` reads every key ever used (ListAppendFinalRead), so that an acknowledged
/// append no read showed is caught as lost.
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
    /// requests is bounded by the client timeout), and writes out the history so far; the final
    /// read adds to it and closes it. Safe to call twice.
    public func stop() async {
        await threads.stop(waitingAtMost: options.clientTimeout * Double(options.maxSteps + 2) + 1)
        recorder.flush()
    }

    public var checksLostWrites: Bool { true }

    /// After the heal: one read of every key ever used (each tried up to three times per node,
    /// over the nodes in turn, within `finalReadSeconds` in all), recorded in the history, which
    /// is then closed; then every acknowledged append a final read lacks is lost. A key no attempt
    /// could read is a problem too: its appends cannot be vouched for.
    public func finalRead() async -> (lost: [String], summary: String) {
        await stop()
        let keyNames = keys.allKeys
        let reader = ListAppendFinalRead(
            endpoints: endpoints, timeout: options.clientTimeout, attemptsPerKey: 3 * endpoints.count, within: options.finalReadSeconds)
        let recorder = self.recorder
        let process = recorder.newProcess()
        let unread: [(key: String, error: String)] = await withCheckedContinuation { done in
            let thread = Thread { done.resume(returning: reader.read(keyNames, recorder: recorder, process: process)) }
            thread.name = "list-append-final-read"
            thread.start()
        }
        recorder.close()
        var problems = unread.map { "unreadable key \($0.key) after the heal (\($0.error))" }
        var summary = "\(keyNames.count - unread.count) of \(keyNames.count) keys read after the heal"
        switch ListAppendFinalRead.lostAppends(historyURL: historyURL) {
        case .success(let lost):
            problems += lost.map { "lost append of \($0.element) to \($0.key) by \($0.appender.summary): the final read \($0.finalRead.summary) lacks it" }
            summary += lost.isEmpty ? ", every acknowledged append in its key's final read" : ", \(lost.count) acknowledged append(s) missing"
        case .failure(let error):
            problems.append("the final reads could not be judged: \(error)")
        }
        return (problems, summary)
    }

    /// An error met while writing the history, if any (the history is then incomplete).
    public var historyError: String? { recorder.writeError }
}
