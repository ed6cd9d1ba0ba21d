import Foundation

/// Asks every node `INFO raft` about every 200 ms (one thread per node, so a paused node delays
/// only its own line), appends a `ClusterObservation` per answer (or `down`) to cluster.jsonl,
/// and answers "who leads now" for nemeses.
public final class ClusterMonitor: @unchecked Sendable {
    private let lock = NSLock()
    private var latest: [String: (ClusterObservation, UInt64)] = [:]
    private var running = true
    private var threads = 0
    private let writer: JSONLinesWriter?
    private let ports: [String: Int]
    public let interval: Double

    public init(nodes: [NodeSpec], writer: JSONLinesWriter?, interval: Double = 0.2) {
        self.ports = Dictionary(uniqueKeysWithValues: nodes.map { ($0.id, $0.clientPort) })
        self.writer = writer
        self.interval = interval
    }

    public func start() {
        for (id, port) in ports.sorted(by: { $0.key < $1.key }) {
            lock.lock()
            threads += 1
            lock.unlock()
            let t = Thread { [self] in poll(id: id, port: port) }
            t.stackSize = 256 << 10
            t.start()
        }
    }

    public func stop() {
        lock.lock()
        running = false
        lock.unlock()
        let deadline = Date().addingTimeInterval(2)
        while Date() < deadline {
            lock.lock()
            let n = threads
            lock.unlock()
            if n == 0 { return }
            Thread.sleep(forTimeInterval: 0.02)
        }
    }

    private func poll(id: String, port: Int) {
        defer {
            lock.lock()
            threads -= 1
            lock.unlock()
        }
        while true {
            lock.lock()
            let go = running
            lock.unlock()
            guard go else { return }
            let started = MonotonicClock.now()
            let info = RaftInfo.ask(port: port, timeoutMs: 300)
            let now = MonotonicClock.now()
            let o = ClusterObservation(time: now, node: id, role: info?.role ?? "down", term: info?.term, leader: info?.leader)
            lock.lock()
            latest[id] = (o, now)
            lock.unlock()
            writer?.append(o)
            let spent = Double(now - started) / 1e9
            if spent < interval { Thread.sleep(forTimeInterval: interval - spent) }
        }
    }

    /// The node that said it leads in the highest term, among answers younger than a second.
    public var leader: String? {
        lock.lock()
        defer { lock.unlock() }
        let now = MonotonicClock.now()
        return latest.values.filter { $0.0.role == "leader" && now - $0.1 < 1_000_000_000 }
            .max { ($0.0.term ?? 0) < ($1.0.term ?? 0) }?.0.node
    }

    public var observations: [String: ClusterObservation] {
        lock.lock()
        defer { lock.unlock() }
        return latest.mapValues(\.0)
    }
}
