import Foundation

/// Starts and watches the raft-node processes of one run, all behind one `Relay`: every node is
/// told with `--peer-via` that each peer lives at the relay port of that directed link, so no
/// Raft byte crosses between two nodes any other way. Kills, restarts, pauses and resumes nodes
/// for nemeses, and tears everything down by pid at the end, whatever happens.
public final class ClusterSupervisor: @unchecked Sendable {
    public let nodes: [NodeSpec]
    public let relay: Relay
    public let layout: RunLayout
    public let binary: URL
    public let extraArguments: [String]
    public private(set) var monitor: ClusterMonitor?
    private var processes: [String: NodeProcess] = [:]
    private let lock = NSLock()
    private var clusterWriter: JSONLinesWriter?

    public init(layout: RunLayout, nodeCount: Int, binary: URL, extraArguments: [String] = [], seed: UInt64) throws {
        guard (1...15).contains(nodeCount) else { throw ClusterError("--nodes must be between 1 and 15, not \(nodeCount)") }
        guard FileManager.default.isExecutableFile(atPath: binary.path) else {
            throw ClusterError("no raft-node binary at \(binary.path); build it (swift build) or pass --node-binary PATH")
        }
        self.layout = layout
        self.binary = binary
        self.extraArguments = extraArguments
        self.nodes = try NodeSpec.allocate(count: nodeCount)
        self.relay = Relay(targetPeerPorts: Dictionary(uniqueKeysWithValues: nodes.map { ($0.id, $0.peerPort) }), seed: seed)
    }

    public var ids: [String] { nodes.map(\.id) }
    public func spec(_ id: String) -> NodeSpec? { nodes.first { $0.id == id } }

    /// The raft-node built beside this executable (same .build/<config>/ folder).
    public static func defaultNodeBinary() -> URL {
        let me = URL(fileURLWithPath: CommandLine.arguments[0]).resolvingSymlinksInPath()
        let here = Bundle.main.executableURL?.resolvingSymlinksInPath() ?? me
        return here.deletingLastPathComponent().appendingPathComponent("raft-node")
    }

    /// Opens the relay, calls `beforeNodes` (the relay's ports are known, no node runs yet: the
    /// run opens its capture there), starts every node, starts the monitor. Throws (after
    /// tearing down) when a node cannot start.
    public func start(beforeNodes: (ClusterSupervisor) -> Void = { _ in }) throws {
        Teardown.register(self)
        do {
            try relay.start()
            beforeNodes(self)
            clusterWriter = try JSONLinesWriter(url: layout.cluster)
            for spec in nodes {
                try FileManager.default.createDirectory(at: layout.nodeData(spec.id), withIntermediateDirectories: true)
                let p = NodeProcess(spec: spec, binary: binary, arguments: arguments(for: spec, joinThrough: nil), logURL: layout.nodeLog(spec.id))
                lock.lock()
                processes[spec.id] = p
                lock.unlock()
                try p.start()
            }
            let m = ClusterMonitor(nodes: nodes, writer: clusterWriter)
            m.start()
            monitor = m
        } catch {
            stop()
            throw error
        }
    }

    /// The node's command line. `joinThrough`: members to join through instead of founding.
    func arguments(for spec: NodeSpec, joinThrough: [String]?) -> [String] {
        var args = ["-a", "127.0.0.1:\(spec.clientPort)", "-i", spec.id, "--data-dir", layout.nodeData(spec.id).path]
        if let joinThrough {
            // A joining node dials a member's client port + 1 for its peer port; naming the relay
            // port minus one keeps even the join exchange inside the relay.
            let via = joinThrough.compactMap { relay.port(for: DirectedLink(from: spec.id, to: $0)) }.map { "127.0.0.1:\($0 - 1)" }
            args += ["-e", via.joined(separator: ",")]
        } else if nodes.count > 1 {
            args += ["-e", nodes.map { "\($0.id)/127.0.0.1:\($0.clientPort)" }.joined(separator: ",")]
        }
        for peer in nodes where peer.id != spec.id {
            if let port = relay.port(for: DirectedLink(from: spec.id, to: peer.id)) {
                args += ["--peer-via", "\(peer.id)=127.0.0.1:\(port)"]
            }
        }
        return args + extraArguments
    }

    private func process(_ id: String) -> NodeProcess? {
        lock.lock()
        defer { lock.unlock() }
        return processes[id]
    }

    public func isRunning(_ id: String) -> Bool { process(id)?.isRunning ?? false }
    public func isPaused(_ id: String) -> Bool { process(id)?.paused ?? false }
    public func pid(_ id: String) -> Int32? { process(id)?.pid }
    public var pids: [String: Int32] {
        lock.lock()
        defer { lock.unlock() }
        return processes.compactMapValues(\.pid)
    }

    public func kill(_ id: String) { process(id)?.kill() }
    public func pause(_ id: String) { process(id)?.pause() }
    public func resume(_ id: String) { process(id)?.resume() }

    /// Starts a killed node again: same data directory, same ports, same arguments.
    public func restart(_ id: String) throws {
        guard let p = process(id), !p.isRunning else { return }
        try p.start()
    }

    /// Kills the node, wipes its data and starts it as a fresh joiner through `members`
    /// (after a RAFT.REMOVE of it): a membership change round trip. Later restarts of the node
    /// keep its new data and founding arguments are not used again.
    public func rejoinFresh(_ id: String, through members: [String]) throws {
        guard let p = process(id), let spec = spec(id) else { throw ClusterError("no node \(id)") }
        p.kill()
        try? FileManager.default.removeItem(at: layout.nodeData(id))
        try FileManager.default.createDirectory(at: layout.nodeData(id), withIntermediateDirectories: true)
        p.arguments = arguments(for: spec, joinThrough: members)
        try p.start()
    }

    /// Every node running and resumed (links are the relay's business: `relay.healAll()`).
    public func restartAndResumeAll() throws {
        for id in ids {
            if isRunning(id) { resume(id) } else { try restart(id) }
        }
    }

    /// A leader that accepts a write: tries SET through every running node until one answers OK
    /// (a follower forwards it), and returns the leader the monitor sees, within `timeout`.
    public func waitForWritableCluster(timeout: Double) -> String? {
        let deadline = Date().addingTimeInterval(timeout)
        var n = 0
        while Date() < deadline {
            for spec in nodes where isRunning(spec.id) && !isPaused(spec.id) {
                n += 1
                if probeWrite(through: spec.id, value: "ready-\(n)") {
                    if let l = monitor?.leader ?? RaftInfo.ask(port: spec.clientPort)?.leader { return l }
                }
            }
            Thread.sleep(forTimeInterval: 0.1)
        }
        return nil
    }

    /// One SET through `id` on a key the workloads never use; true when it answered OK.
    public func probeWrite(through id: String, value: String, timeoutMs: Int = 1500) -> Bool {
        guard let spec = spec(id) else { return false }
        let reply = try? NodeClient.call(port: spec.clientPort, ["SET", "raft-chaos:probe:\(id)", value], timeoutMs: timeoutMs)
        return reply == .simpleString("OK")
    }

    /// Nodes that died without the harness killing them (a crash): id and how it ended.
    public var crashed: [(String, String)] {
        lock.lock()
        defer { lock.unlock() }
        return processes.values.compactMap { p in p.exitDescription.map { (p.spec.id, $0) } }
            .filter { !$0.1.hasPrefix("signal \(SIGKILL)") }
    }

    /// SIGKILL to every node still running (paused ones included). Only pids this harness started.
    public func killAllNodes() {
        lock.lock()
        let all = Array(processes.values)
        lock.unlock()
        for p in all { p.kill() }
    }

    /// Stops the monitor, kills the nodes, closes the relay. Safe to call more than once.
    public func stop() {
        monitor?.stop()
        killAllNodes()
        relay.stop()
        clusterWriter?.close()
        Teardown.unregister(self)
    }
}
