import Foundation
import RESP
@testable import Chaos

#if canImport(Glibc)
import Glibc
#endif

/// One raft-node process for a ChaosTests test, killed by pid when the test ends. Ports come
/// from 14000–14699 (RaftServerTests use 20000 and up), in blocks of 4 checked free.
final class SingleNodeProcess: @unchecked Sendable {
    let port: Int
    let process = Process()
    let directory: URL
    var logPath: String { directory.appendingPathComponent("node.log").path }

    static var binary: URL {
        // Tests/ChaosTests/SingleNodeProcess.swift → the package root → .build/<config>/raft-node
        let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
        for config in ["debug", "release"] {
            let u = root.appendingPathComponent(".build/\(config)/raft-node")
            if FileManager.default.isExecutableFile(atPath: u.path) { return u }
        }
        return root.appendingPathComponent(".build/debug/raft-node")
    }

    nonisolated(unsafe) static var nextSlot = 0
    static let lock = NSLock()

    static func freePort() -> Int {
        lock.lock()
        defer { lock.unlock() }
        let window = 14000 + Int(getpid() % 7) * 100
        var port = window
        for _ in 0..<25 {
            port = window + (nextSlot % 25) * 4
            nextSlot += 1
            if (port..<port + 4).allSatisfy(portIsFree) { break }
        }
        return port
    }

    static func portIsFree(_ port: Int) -> Bool {
        let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        guard fd >= 0 else { return true }
        defer { close(fd) }
        var one: Int32 = 1
        setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, socklen_t(MemoryLayout<Int32>.size))
        var addr = sockaddr_in()
        addr.sin_family = sa_family_t(AF_INET)
        addr.sin_port = in_port_t(UInt16(port).bigEndian)
        addr.sin_addr.s_addr = inet_addr("127.0.0.1")
        return withUnsafePointer(to: &addr) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) == 0 }
        }
    }

    /// Starts a one-node cluster on 127.0.0.1 (its own leader) and waits until it answers.
    init(extraArguments: [String] = []) throws {
        port = Self.freePort()
        directory = FileManager.default.temporaryDirectory.appendingPathComponent("chaos-tests-\(getpid())-\(UUID().uuidString.prefix(8))")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        ScratchDirectories.removeAtExit(directory)
        process.executableURL = Self.binary
        // --in-memory: raft-node is durable by default (./raft-node-<id>); these tests want a fresh node.
        process.arguments = ["-a", "127.0.0.1:\(port)", "--tick-ms", "50", "--fsync", "never", "--in-memory", "--log-file", logPath] + extraArguments
        process.currentDirectoryURL = directory
        process.standardOutput = FileHandle.nullDevice
        process.standardError = FileHandle.nullDevice
        try process.run()
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

    func stop() {
        guard process.isRunning else { return }
        kill(process.processIdentifier, SIGKILL)
        process.waitUntilExit()
    }

    struct SetupFailure: Error, CustomStringConvertible { var description: String }
}
