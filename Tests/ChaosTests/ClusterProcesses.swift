import Foundation
import NodeTestSupport
import RESP
@testable import Chaos

#if canImport(Glibc)
import Glibc
#endif

/// A small real cluster for ChaosTests, laid out as a run directory (RunLayout: each node's data
/// and log under nodes/<id>/): start, kill -9 and restart nodes by id, and poll their roles into
/// cluster.jsonl. Only the pids it started are ever signalled. Ports: 14700–14999, blocks of 8.
final class ClusterProcesses: @unchecked Sendable {
    let layout: RunLayout
    let ids: [String]
    let base: Int
    private var processes: [String: Process] = [:]
    private let lock = NSLock()
    private var observing = false

    static let ports = PortBlocks(window: 14700 + Int(getpid() % 3) * 100, blockSize: 8, blocks: 12)

    init(size: Int, root: URL) throws {
        layout = RunLayout(root: root)
        ids = (1...size).map { "n\($0)" }
        base = Self.ports.take()
        for id in ids { try FileManager.default.createDirectory(at: layout.nodeData(id), withIntermediateDirectories: true) }
        for id in ids { try start(id) }
    }

    deinit { stopAll() }

    /// Kills every node this cluster started (by pid) and stops observing; tests call it in a
    /// `defer`, since a node left running would also hold the test runner's output open.
    func stopAll() {
        stopObserving()
        for id in ids { kill(id) }
    }

    func port(_ id: String) -> Int { base + 2 * (ids.firstIndex(of: id)!) }
    var endpoints: [ClientEndpoint] { ids.map { ClientEndpoint(node: $0, host: "127.0.0.1", port: port($0)) } }

    func start(_ id: String) throws {
        let ensemble = ids.map { "\($0)/127.0.0.1:\(port($0))" }.joined(separator: ",")
        let p = try NodeLauncher.launch(
            NodeLauncher.binary(),
            arguments: ["-a", "127.0.0.1:\(port(id))", "-i", id, "-e", ensemble, "--data-dir", layout.nodeData(id).path,
                        "--tick-ms", "50", "--log-file", layout.nodeLog(id).path],
            log: nil)
        lock.withLock { processes[id] = p }
    }

    func kill(_ id: String) {
        guard let p = lock.withLock({ processes.removeValue(forKey: id) }) else { return }
        NodeLauncher.kill(p)
    }

    /// Asks one node who it is: a ClusterObservation ("down" when it does not answer).
    func observe(_ id: String) -> ClusterObservation {
        let now = MonotonicClock.now()
        guard let c = try? RESPConnection(host: "127.0.0.1", port: port(id), timeout: 0.3),
            let info = (try? c.call(["INFO", "raft"], timeout: 0.3))?.stringValue
        else { return ClusterObservation(time: now, node: id, role: "down", term: nil, leader: nil) }
        var fields: [String: String] = [:]
        for line in info.split(whereSeparator: \.isNewline) {
            let parts = line.split(separator: ":", maxSplits: 1)
            if parts.count == 2 { fields[String(parts[0])] = String(parts[1]).trimmingCharacters(in: .whitespaces) }
        }
        let leader = fields["leader"].flatMap { $0.isEmpty ? nil : $0 }
        return ClusterObservation(time: now, node: id, role: fields["role"] ?? "?", term: fields["term"].flatMap(UInt64.init), leader: leader)
    }

    /// The node every living member names as leader, within `seconds`.
    func waitForLeader(seconds: Double = 15) -> String? {
        let deadline = Date().addingTimeInterval(seconds)
        while Date() < deadline {
            let seen = ids.map(observe)
            if let l = seen.first(where: { $0.role == "leader" }),
                seen.filter({ $0.role != "down" }).allSatisfy({ $0.leader == l.node })
            {
                return l.node
            }
            Thread.sleep(forTimeInterval: 0.1)
        }
        return nil
    }

    /// Polls every node every 100 ms into cluster.jsonl until `stopObserving()`.
    func startObserving() {
        lock.withLock { observing = true }
        let t = Thread { [self] in  // holds the cluster until stopObserving()
            guard let out = fopen(layout.cluster.path, "w") else { return }
            defer { fclose(out) }
            let encoder = JSONEncoder()
            while lock.withLock({ observing }) {
                for id in ids {
                    if let data = try? encoder.encode(observe(id)) {
                        data.withUnsafeBytes { _ = fwrite($0.baseAddress, 1, $0.count, out) }
                        fputs("\n", out)
                    }
                }
                fflush(out)
                Thread.sleep(forTimeInterval: 0.1)
            }
        }
        t.start()
    }

    func stopObserving() {
        guard lock.withLock({ defer { observing = false }; return observing }) else { return }
        Thread.sleep(forTimeInterval: 0.15)
    }
}

/// Appends FaultEvents to faults.jsonl as a test injects them by hand (the orchestrator has its own FaultLog).
final class TestFaultLog {
    let url: URL
    private var lines: [String] = []
    init(_ layout: RunLayout) { url = layout.faults }

    func record(_ e: FaultEvent) throws {
        lines.append(String(decoding: try JSONEncoder().encode(e), as: UTF8.self))
        try (lines.joined(separator: "\n") + "\n").write(to: url, atomically: true, encoding: .utf8)
    }
}
