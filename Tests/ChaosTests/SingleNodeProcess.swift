import Foundation
import NodeTestSupport
import RESP
@testable import Chaos

#if canImport(Glibc)
import Glibc
#endif

/// One raft-node process for a ChaosTests test, killed by pid when the test ends. Ports come
/// from 14000–14699 (RaftServerTests use 20000 and up), in blocks of 4 checked free.
final class SingleNodeProcess: @unchecked Sendable {
    let port: Int
    let process: Process
    let directory: URL
    var logPath: String { directory.appendingPathComponent("node.log").path }

    static var binary: URL { NodeLauncher.binary() }
    static let ports = PortBlocks(window: 14000 + Int(getpid() % 7) * 100, blockSize: 4, blocks: 25)

    /// Starts a one-node cluster on 127.0.0.1 (its own leader) and waits until it answers.
    init(extraArguments: [String] = []) throws {
        port = Self.ports.take()
        directory = FileManager.default.temporaryDirectory.appendingPathComponent("chaos-tests-\(getpid())-\(UUID().uuidString.prefix(8))")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        ScratchDirectories.removeAtExit(directory)
        // --in-memory: raft-node is durable by default (./raft-node-<id>); these tests want a fresh node.
        let log = directory.appendingPathComponent("node.log").path
        process = try NodeLauncher.launch(
            Self.binary, arguments: ["-a", "127.0.0.1:\(port)", "--tick-ms", "50", "--fsync", "never", "--in-memory", "--log-file", log] + extraArguments,
            directory: directory, log: nil)
        let deadline = Date().addingTimeInterval(15)
        while Date() < deadline {
            if let c = try? RESPConnection(host: "127.0.0.1", port: port, timeout: 0.5),
                case .simpleString("OK")? = try? c.call(["SET", "chaos-tests-ready", "1"], timeout: 1)
            {
                return
            }
            Thread.sleep(forTimeInterval: 0.05)
        }
        stop()
        throw SetupFailure(description: "raft-node on port \(port) never accepted a write: \((try? String(contentsOfFile: logPath, encoding: .utf8)) ?? "")")
    }

    deinit { stop() }

    func stop() { NodeLauncher.kill(process) }

    struct SetupFailure: Error, CustomStringConvertible { var description: String }
}
