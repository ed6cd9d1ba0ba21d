import Foundation
import Linearizability
import RESP

/// Drives the run's clients against every node and records what they saw into one history.
///
/// `start()` launches `clientsPerNode` clients per endpoint (so followers forward writes and serve
/// ReadIndex reads, not only the leader); `counts()` tells how many operations ended ok, fail or
/// info so far; `stop()` stops issuing and waits for the operations in flight (bounded by the
/// client timeout; one still unanswered stays open in the history, which reads as info);
/// `finalSetRead()` then reads the set workload's lists through every node.
public final class WorkloadDriver: @unchecked Sendable {
    public let endpoints: [ClientEndpoint]
    public let seed: UInt64
    public let options: WorkloadOptions
    public let historyURL: URL

    private let keys: KeySpace
    private let recorder: HistoryRecorder
    private let threads = ClientThreads()

    public init(endpoints: [ClientEndpoint], seed: UInt64, options: WorkloadOptions = WorkloadOptions(), historyURL: URL) throws {
        guard !endpoints.isEmpty else { throw WorkloadError("the workload needs at least one node to talk to") }
        if let problem = options.problem { throw WorkloadError(problem) }
        self.endpoints = endpoints
        self.seed = seed
        self.options = options
        self.historyURL = historyURL
        keys = KeySpace(options: options)
        recorder = try HistoryRecorder(url: historyURL)
    }

    /// Starts every client; each runs on its own thread until `stop()`. Starting twice is refused.
    public func start() throws {
        var clients: [(name: String, run: @Sendable () -> Void)] = []
        for endpoint in endpoints {
            for _ in 0..<options.clientsPerNode {
                let index = UInt64(clients.count + 1)
                let client = WorkloadClient(
                    endpoint: endpoint, seed: ClientThreads.clientSeed(seed, index: index), options: options, keys: keys,
                    recorder: recorder, stopping: threads.stopping)
                clients.append((name: "workload-\(endpoint.node)-\(index)", run: client.run))
            }
        }
        try threads.start(clients)
    }

    /// Operations so far by completion (and those still waiting for one).
    public func counts() -> OperationCounts { recorder.counts }

    /// Stops issuing operations, waits for those in flight (at most the client timeout and a
    /// second more), and closes the history. Safe to call more than once.
    public func stop() async {
        await threads.stop(waitingAtMost: options.clientTimeout + 1)
        recorder.close()
    }

    /// An error met while writing the history, if any (the history is then incomplete).
    public var historyError: String? { recorder.writeError }

    /// After recovery: reads every set key through every node (retrying each node's reads for up
    /// to `perNodeSeconds`), and compares with the adds the clients sent and saw acknowledged.
    /// Stops the workload first if it still runs.
    public func finalSetRead(perNodeSeconds: Double = 10) async -> SetReadResult {
        await stop()
        let (attempted, acknowledged) = keys.setAdds()
        let setKeys = keys.setKeys
        let endpoints = self.endpoints
        let timeout = options.clientTimeout
        let reads: [(node: String, lists: [String: [Int64]]?, error: String?, unknown: [String])] = await withCheckedContinuation { done in
            let thread = Thread {
                done.resume(returning: endpoints.map { e in
                    Self.readLists(e, keys: setKeys, timeout: timeout, within: perNodeSeconds)
                })
            }
            thread.name = "final-set-read"
            thread.start()
        }
        var result = SetReadResult(
            keys: setKeys, acknowledged: acknowledged.values.reduce(0) { $0 + $1.count },
            attempted: attempted.values.reduce(0) { $0 + $1.count }, lost: [], unexpected: [], duplicated: [],
            unreadable: [], elementsRead: [:])
        var missing: [String: [Int64: [String]]] = [:]
        for read in reads {
            guard let lists = read.lists else {
                result.unreadable.append("\(read.node): \(read.error ?? "no answer")")
                continue
            }
            result.unexpected += read.unknown.map { "\($0) on \(read.node) (not a number)" }
            var total = 0
            for key in setKeys {
                let elements = lists[key] ?? []
                total += elements.count
                var seen = Set<Int64>()
                for e in elements {
                    if !seen.insert(e).inserted { result.duplicated.append("\(key) \(e) on \(read.node)") }
                    if !(attempted[key]?.contains(e) ?? false) { result.unexpected.append("\(key) \(e) on \(read.node)") }
                }
                for e in acknowledged[key] ?? [] where !seen.contains(e) {
                    missing[key, default: [:]][e, default: []].append(read.node)
                }
            }
            result.elementsRead[read.node] = total
        }
        for key in missing.keys.sorted() {
            for (e, nodes) in missing[key]!.sorted(by: { $0.key < $1.key }) {
                result.lost.append(SetReadResult.LostWrite(key: key, element: e, missingOn: nodes))
            }
        }
        return result
    }

    /// One node's lists, retried until they all read or time runs out (a node just restarted
    /// may answer CLUSTERDOWN or TRYAGAIN for a while).
    private static func readLists(_ e: ClientEndpoint, keys: [String], timeout: Double, within seconds: Double)
        -> (node: String, lists: [String: [Int64]]?, error: String?, unknown: [String])
    {
        let deadline = Date().addingTimeInterval(seconds)
        var lastError = "no attempt"
        var attempt = 0
        while attempt == 0 || Date() < deadline {
            attempt += 1
            do {
                let c = try RESPConnection(host: e.host, port: e.port, timeout: timeout)
                var lists: [String: [Int64]] = [:]
                var unknown: [String] = []
                for key in keys {
                    let reply = try c.call(["LRANGE", key, "0", "-1"], timeout: timeout)
                    switch reply {
                    case .array(let items?):
                        for item in items {
                            let text = item.stringValue ?? "\(item)"
                            if let n = Int64(text) { lists[key, default: []].append(n) } else { unknown.append("\(key) \(text)") }
                        }
                    case .array(nil), .null, .bulkString(nil):
                        lists[key] = []
                    case .error(let text):
                        throw WorkloadError("LRANGE \(key): \(text)")
                    default:
                        throw WorkloadError("LRANGE \(key): unexpected reply \(PlannedOperation.describe(reply))")
                    }
                }
                return (e.node, lists, nil, unknown)
            } catch {
                lastError = "\(error)"
                Thread.sleep(forTimeInterval: 0.2)
            }
        }
        return (e.node, nil, "\(lastError) (for \(seconds) s)", [])
    }
}
