import Foundation
import NodeTestSupport
import RESP

/// Starts raft-node processes for one test and always kills them (only the pids it started).
final class NodeProcesses: @unchecked Sendable {
    struct Node {
        var id: String
        var port: Int
        var process: Process
        var logPath: String
    }

    static var binary: URL { NodeLauncher.binary() }

    /// A port base per test process and per call, so parallel tests and runs do not collide.
    /// Each call gets its own block of 16 ports (a 5-node cluster uses 10, the membership tests
    /// address up to base+13), never reused within a run of up to 100 blocks, and only a block
    /// whose ports are all free right now (NodeTestSupport's PortBlocks).
    static let portsPerBlock = 16
    static let ports = PortBlocks(window: 20000 + Int(getpid() % 7) * 100 * portsPerBlock, blockSize: portsPerBlock, blocks: 100)
    static func portBase() -> Int { ports.take() }

    var nodes: [Node] = []
    let directory: URL

    init() {
        directory = FileManager.default.temporaryDirectory.appendingPathComponent("raft-node-tests-\(getpid())-\(UUID().uuidString.prefix(8))")
        try? FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
    }

    /// The nodes' data and logs go with the test (RAFT_TESTS_KEEP_DIRS=1 keeps them).
    deinit {
        stopAll()
        if ProcessInfo.processInfo.environment["RAFT_TESTS_KEEP_DIRS"] != "1" {
            try? FileManager.default.removeItem(at: directory)
        }
    }

    /// Starts an n-node cluster with ids 1...n on consecutive even ports from `base`.
    func startCluster(size: Int, base: Int, extra: [String] = []) throws {
        let ensemble = (1...size).map { "\($0)/127.0.0.1:\(base + 2 * ($0 - 1))" }.joined(separator: ",")
        for i in 1...size {
            var args = ["-a", "127.0.0.1:\(base + 2 * (i - 1))", "-i", "\(i)", "--tick-ms", "50", "--fsync", "never"]
            if size > 1 { args += ["-e", ensemble] }
            try start(id: "\(i)", port: base + 2 * (i - 1), arguments: args + extra)
        }
    }

    func start(id: String, port: Int, arguments: [String], binary: URL = NodeProcesses.binary, defaultStorage: Bool = false) throws {
        let logPath = directory.appendingPathComponent("node-\(id).log").path
        FileManager.default.createFile(atPath: logPath, contents: nil)
        // A node's default data directory is relative to its working directory: keep it here.
        let p = try NodeLauncher.launch(
            binary, arguments: binary == NodeProcesses.binary && !defaultStorage ? Self.memoryUnlessDurable(arguments) : arguments,
            directory: directory, log: logPath)
        nodes.append(Node(id: id, port: port, process: p, logPath: logPath))
    }

    /// These tests were written for nodes that keep their log in memory unless given a
    /// --data-dir; raft-node's default is now a durable directory, so they say --in-memory out
    /// loud (DefaultDataDirectoryTests covers the default itself).
    static func memoryUnlessDurable(_ arguments: [String]) -> [String] {
        guard arguments.contains("-a"), !arguments.contains("--data-dir"), !arguments.contains("--in-memory") else { return arguments }
        return arguments + ["--in-memory"]
    }

    func kill(id: String) {
        guard let n = nodes.first(where: { $0.id == id }) else { return }
        NodeLauncher.kill(n.process)
    }

    func stopAll() {
        for n in nodes { NodeLauncher.kill(n.process) }
    }

    func logs() -> String {
        nodes.map { n in "--- node \(n.id)\n" + ((try? String(contentsOfFile: n.logPath, encoding: .utf8)) ?? "") }.joined(separator: "\n")
    }

    /// Polls INFO on the living nodes until one reports itself leader and the others agree.
    func waitForLeader(among ids: [String]? = nil, seconds: Double = 15) throws -> Node {
        let deadline = Date().addingTimeInterval(seconds)
        let candidates = nodes.filter { ids?.contains($0.id) ?? true }
        while Date() < deadline {
            var leaders: Set<String> = []
            var reporting = 0
            for n in candidates {
                guard let c = try? TestClient(port: n.port, timeoutSeconds: 1),
                    let info = try? c.call("INFO", "raft").text
                else { continue }
                reporting += 1
                if let line = info.split(whereSeparator: \.isNewline).first(where: { $0.hasPrefix("leader:") }) {
                    let l = String(line.dropFirst("leader:".count)).trimmingCharacters(in: .whitespaces)
                    leaders.insert(l)
                }
            }
            if reporting == candidates.count, leaders.count == 1, let l = leaders.first, !l.isEmpty,
                let node = candidates.first(where: { $0.id == l })
            {
                return node
            }
            Thread.sleep(forTimeInterval: 0.1)
        }
        throw TestClient.Failure(description: "no agreed leader within \(seconds)s\n\(logs())")
    }

    /// Waits until the node accepts connections.
    func waitForPort(_ port: Int, seconds: Double = 10) throws {
        let deadline = Date().addingTimeInterval(seconds)
        while Date() < deadline {
            if let c = try? TestClient(port: port, timeoutSeconds: 1), (try? c.call("PING"))?.text == "PONG" { return }
            Thread.sleep(forTimeInterval: 0.05)
        }
        throw TestClient.Failure(description: "port \(port) never answered PING\n\(logs())")
    }
}

/// Runs raft-node to completion with a time bound; returns the exit status and stderr.
func runNodeExpectingExit(_ arguments: [String], seconds: Double = 10) throws -> (status: Int32, output: String) {
    let p = Process()
    p.executableURL = NodeProcesses.binary
    p.arguments = NodeProcesses.memoryUnlessDurable(arguments)
    p.currentDirectoryURL = FileManager.default.temporaryDirectory
    let pipe = Pipe()
    p.standardError = pipe
    p.standardOutput = pipe
    try p.run()
    let deadline = Date().addingTimeInterval(seconds)
    while p.isRunning && Date() < deadline { Thread.sleep(forTimeInterval: 0.02) }
    if p.isRunning {
        kill(p.processIdentifier, SIGKILL)
        p.waitUntilExit()
        return (-1, "still running after \(seconds)s")
    }
    let data = pipe.fileHandleForReading.readDataToEndOfFile()
    return (p.terminationStatus, String(decoding: data, as: UTF8.self))
}
