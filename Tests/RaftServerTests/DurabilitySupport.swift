import Foundation
import RESP

/// A three-node cluster whose nodes keep --data-dir and can be killed and restarted one by one.
final class DurableCluster {
    let processes = NodeProcesses()
    /// Kept below Linux's ephemeral range (32768 and up), where any outgoing connection may
    /// hold a port for a moment and a restarting node would fail to bind it.
    let base: Int = {
        let b = NodeProcesses.portBase()
        return b >= 32000 ? b - 12000 : b
    }()
    let size: Int
    let extra: [String]

    init(size: Int = 3, extra: [String] = []) {
        self.size = size
        self.extra = extra
    }

    var ids: [String] { (1...size).map(String.init) }
    func port(_ id: String) -> Int { base + 2 * (Int(id)! - 1) }
    func dataDir(_ id: String) -> String { processes.directory.appendingPathComponent("data-\(id)").path }
    var ensemble: String { ids.map { "\($0)/127.0.0.1:\(port($0))" }.joined(separator: ",") }

    func start(_ id: String, more: [String] = []) throws {
        processes.nodes.removeAll { $0.id == id && !$0.process.isRunning }
        try processes.start(id: id, port: port(id), arguments: [
            "-a", "127.0.0.1:\(port(id))", "-i", id, "-e", ensemble, "--tick-ms", "50", "--data-dir", dataDir(id),
        ] + extra + more)
    }

    func startAll(more: [String] = []) throws { for id in ids { try start(id, more: more) } }
    func kill(_ id: String) { processes.kill(id: id) }
    func killAll() { for id in ids { processes.kill(id: id) } }
    func leader(among: [String]? = nil, seconds: Double = 15) throws -> String { try processes.waitForLeader(among: among, seconds: seconds).id }
    func log(_ id: String) -> String {
        (try? String(contentsOfFile: processes.directory.appendingPathComponent("node-\(id).log").path, encoding: .utf8)) ?? ""
    }

    func stop() { processes.stopAll() }
}

/// INFO's `key:value` lines, or nil when the node does not answer.
func nodeInfo(port: Int) -> [String: String]? {
    guard let c = try? TestClient(port: port, timeoutSeconds: 1), let text = try? c.call("INFO").text else { return nil }
    var out: [String: String] = [:]
    for line in text.split(whereSeparator: \.isNewline) {
        guard let colon = line.firstIndex(of: ":") else { continue }
        out[String(line[..<colon])] = String(line[line.index(after: colon)...]).trimmingCharacters(in: .whitespaces)
    }
    return out
}

/// Waits until every port reports applied_index >= the leader's commit index at the time of
/// the call (after a fresh write through the leader, so the leader's term has committed).
func waitUntilConverged(_ cluster: DurableCluster, seconds: Double = 10) throws {
    let leader = try cluster.leader(seconds: seconds)
    let c = try TestClient(port: cluster.port(leader), timeoutSeconds: 5)
    var ok = false
    for _ in 0..<50 where !ok {
        ok = (try? c.call("SET", "__converge", UUID().uuidString).text) == "OK"
        if !ok { Thread.sleep(forTimeInterval: 0.1) }
    }
    guard ok, let commit = nodeInfo(port: cluster.port(leader))?["commit_index"].flatMap(Int.init) else {
        throw TestClient.Failure(description: "leader \(leader) accepts no write\n\(cluster.processes.logs())")
    }
    let deadline = Date().addingTimeInterval(seconds)
    for id in cluster.ids {
        while true {
            if let a = nodeInfo(port: cluster.port(id))?["applied_index"].flatMap(Int.init), a >= commit { break }
            if Date() > deadline { throw TestClient.Failure(description: "node \(id) never applied \(commit)\n\(cluster.processes.logs())") }
            Thread.sleep(forTimeInterval: 0.05)
        }
    }
}

/// Several client connections writing unique keys with unique values to any node, recording
/// every SET that was acknowledged with +OK. A failed or timed-out request counts as unknown
/// (it may or may not be applied) and the client moves to another node.
final class WriteLoad: @unchecked Sendable {
    private let lock = NSLock()
    private var acked: [String: String] = [:]
    private var running = true
    private var threads: [Thread] = []
    private let done = DispatchGroup()

    init(ports: [Int], clients: Int, label: String) {
        for t in 0..<clients {
            done.enter()
            let thread = Thread { [self] in
                defer { done.leave() }
                var seq = 0
                var target = t % ports.count
                var client: TestClient? = nil
                while isRunning {
                    if client == nil {
                        client = try? TestClient(port: ports[target], timeoutSeconds: 1)
                        if client == nil {
                            target = (target + 1) % ports.count
                            Thread.sleep(forTimeInterval: 0.02)
                            continue
                        }
                    }
                    seq += 1
                    let key = "\(label)-\(t)-\(seq)", value = "v\(seq)-\(UInt32.random(in: 0...UInt32.max))"
                    if let reply = try? client!.call("SET", key, value), reply.text == "OK" {
                        record(key, value)
                    } else {
                        client = nil  // a reply may still be in flight on this connection: drop it
                        target = (target + 1) % ports.count
                        Thread.sleep(forTimeInterval: 0.02)
                    }
                }
            }
            threads.append(thread)
            thread.start()
        }
    }

    private var isRunning: Bool { lock.withLock { running } }
    private func record(_ k: String, _ v: String) { lock.withLock { acked[k] = v } }
    var count: Int { lock.withLock { acked.count } }

    /// Waits until at least `count` writes are acknowledged, or `seconds` pass (a loaded machine
    /// is slow, not wrong: the tests ask for a number of writes, not for a rate).
    @discardableResult
    func waitUntil(count wanted: Int, seconds: Double = 30) -> Bool {
        let deadline = Date().addingTimeInterval(seconds)
        while count < wanted && Date() < deadline { Thread.sleep(forTimeInterval: 0.02) }
        return count >= wanted
    }

    /// Stops the clients (each finishes or times out its current request) and returns what was acknowledged.
    func stop() -> [String: String] {
        lock.withLock { running = false }
        _ = done.wait(timeout: .now() + 5)
        return lock.withLock { acked }
    }
}

/// Reads every acknowledged key on one node (pipelined GETs) and describes each that is missing or wrong.
func missingWrites(_ acked: [String: String], port: Int) throws -> [String] {
    let c = try TestClient(port: port, timeoutSeconds: 5)
    let keys = acked.keys.sorted()
    var problems: [String] = []
    var i = 0
    while i < keys.count {
        let batch = keys[i..<min(keys.count, i + 500)]
        try c.sendRaw(batch.flatMap { TestClient.encode(["GET", $0]) })
        for k in batch {
            guard let reply = try c.readReply() else { throw TestClient.Failure(description: "connection closed") }
            if reply.text != acked[k] { problems.append("\(k): expected \(acked[k]!), got \(reply)") }
        }
        i += batch.count
    }
    return problems
}
