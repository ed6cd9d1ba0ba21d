import Foundation

/// The files of one chaos run directory (`runs/<timestamp>/`), named in one place so the
/// orchestrator that writes them, the report that reads them and `raft-chaos check DIR` agree.
/// docs/CHAOS.md describes each file for users.
public struct RunLayout: Sendable, Hashable {
    public let root: URL

    public init(root: URL) { self.root = root }

    /// Scenario, seed, exact command line, node ids and ports, start time: `RunManifest` as JSON.
    public var manifest: URL { root.appendingPathComponent("run.json") }
    /// What was done to whom and when: one `FaultEvent` per line.
    public var faults: URL { root.appendingPathComponent("faults.jsonl") }
    /// Every client operation, in docs/history-format.md's JSON-lines format.
    public var history: URL { root.appendingPathComponent("history.jsonl") }
    /// Roles and terms the harness observed over time: one `ClusterObservation` per line.
    public var cluster: URL { root.appendingPathComponent("cluster.jsonl") }
    /// The checker's verdict, the lost-write and recovery checks, the exit code: `RunVerdict` as JSON.
    public var verdict: URL { root.appendingPathComponent("verdict.json") }
    /// The same verdict with the checker's explanation, for people.
    public var verdictText: URL { root.appendingPathComponent("verdict.txt") }
    /// The self-contained HTML report.
    public var report: URL { root.appendingPathComponent("report.html") }
    /// The peer traffic on every P+1 (and relay) port, when capture is possible.
    public var capture: URL { root.appendingPathComponent("peers.pcap") }
    /// The harness's own log (progress lines, errors).
    public var harnessLog: URL { root.appendingPathComponent("harness.log") }
    /// One folder per node: its data directory and its log file.
    public func nodeDirectory(_ id: String) -> URL { root.appendingPathComponent("nodes/\(id)") }
    public func nodeLog(_ id: String) -> URL { nodeDirectory(id).appendingPathComponent("node.log") }
    public func nodeData(_ id: String) -> URL { nodeDirectory(id).appendingPathComponent("data") }
}
