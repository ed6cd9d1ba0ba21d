import Foundation
import Testing

/// A real Redis client library (redis-py, RESP3 by default here) against a real 3-node
/// cluster: the checks live in python/redis_py_check.py, one line of output per check.
@Suite(.serialized)
struct RedisPyTests {
    static let script = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
        .appendingPathComponent("python/redis_py_check.py").path

    /// nil when python3 with redis-py 5 or later can be run, else why not.
    static let unavailable: String? = {
        let (status, output) = run(["python3", "-c", "import redis,sys; sys.exit(int(redis.__version__.split('.')[0]) < 5)"], seconds: 20)
        switch status {
        case 0: return nil
        case 127, -2: return "python3 is not installed: \(output)"
        default: return "redis-py 5 or later is not installed (python3 -m pip install redis)"
        }
    }()

    @Test(.enabled(if: unavailable == nil, "needs python3 and redis-py 5+ (python3 -m pip install redis)"))
    func redisPyWorksAgainstEveryNodeOfACluster() throws {
        let cluster = NodeProcesses()
        defer { cluster.stopAll() }
        try cluster.startCluster(size: 3, base: NodeProcesses.portBase())
        let leader = try cluster.waitForLeader()
        let followers = cluster.nodes.filter { $0.id != leader.id }.map { String($0.port) }
        let (status, output) = Self.run(["python3", Self.script, String(leader.port)] + followers, seconds: 60)
        #expect(status == 0, "redis_py_check.py exited \(status):\n\(output)\n\(status == 0 ? "" : cluster.logs())")
        #expect(output.contains("all checks passed"), "\(output)")
    }

    /// Runs a program through /usr/bin/env with a time bound, its output going to a temporary
    /// file (never a pipe that could fill); -2 if it had to be killed, 127 if it could not start.
    static func run(_ arguments: [String], seconds: Double) -> (status: Int32, output: String) {
        let outputPath = FileManager.default.temporaryDirectory.appendingPathComponent("redis-py-\(getpid())-\(UUID().uuidString.prefix(8)).out").path
        _ = FileManager.default.createFile(atPath: outputPath, contents: nil)
        defer { try? FileManager.default.removeItem(atPath: outputPath) }
        guard let sink = FileHandle(forWritingAtPath: outputPath) else { return (127, "cannot create \(outputPath)") }
        defer { try? sink.close() }
        let p = Process()
        p.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        p.arguments = arguments
        p.standardOutput = sink
        p.standardError = sink
        do { try p.run() } catch { return (127, "\(error)") }
        let deadline = Date().addingTimeInterval(seconds)
        while p.isRunning && Date() < deadline { Thread.sleep(forTimeInterval: 0.05) }
        if p.isRunning {
            kill(p.processIdentifier, SIGKILL)
            p.waitUntilExit()
            return (-2, "killed after \(seconds)s")
        }
        p.waitUntilExit()
        return (p.terminationStatus, (try? String(contentsOfFile: outputPath, encoding: .utf8)) ?? "")
    }
}
