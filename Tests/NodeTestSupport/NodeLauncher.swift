// The one way tests start raft-node processes (RaftServerTests' NodeProcesses, ChaosTests'
// SingleNodeProcess and ClusterProcesses): where the binary is, which ports are free, how a
// process is started with its output in a file, and how it is ended: by its own pid, never by
// name. Each suite keeps its own port window, so suites running at once never collide.
import Foundation

#if canImport(Glibc)
import Glibc
#endif

public enum NodeLauncher {
    /// The package root: Tests/NodeTestSupport/NodeLauncher.swift → up three.
    static let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()

    /// An executable built from this tree (debug first, then release): raft-node or an example.
    public static func binary(_ name: String = "raft-node") -> URL {
        for config in ["debug", "release"] {
            let u = root.appendingPathComponent(".build/\(config)/\(name)")
            if FileManager.default.isExecutableFile(atPath: u.path) { return u }
        }
        return root.appendingPathComponent(".build/debug/\(name)")
    }

    /// Starts `binary` with `arguments` in `directory` (a node's default data directory is
    /// relative to it), its stdout and stderr appended to `log` (nil: discarded).
    public static func launch(_ binary: URL, arguments: [String], directory: URL? = nil, log: String?) throws -> Process {
        let p = Process()
        p.executableURL = binary
        p.arguments = arguments
        if let directory { p.currentDirectoryURL = directory }
        if let log {
            if !FileManager.default.fileExists(atPath: log) { FileManager.default.createFile(atPath: log, contents: nil) }
            let handle = FileHandle(forWritingAtPath: log)
            handle?.seekToEndOfFile()
            p.standardOutput = handle
            p.standardError = handle
        } else {
            p.standardOutput = FileHandle.nullDevice
            p.standardError = FileHandle.nullDevice
        }
        try p.run()
        return p
    }

    /// Ends a process this test started: SIGKILL to its pid, then waits for it.
    public static func kill(_ p: Process) {
        guard p.isRunning else { return }
        Glibc.kill(p.processIdentifier, SIGKILL)
        p.waitUntilExit()
    }

    /// True when nothing listens on (or holds) 127.0.0.1:port.
    public static func portIsFree(_ port: Int) -> Bool {
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
}

/// Blocks of consecutive ports handed out in turn from one window, each checked free when handed
/// out (a block still held by an earlier test is skipped). Below 32768, where Linux's ephemeral
/// ports start: a client socket's local port there once took a test node's port.
public final class PortBlocks: @unchecked Sendable {
    let window: Int
    let blockSize: Int
    let blocks: Int
    private var next = 0
    private let lock = NSLock()

    /// `window`: the first port; the window spans `blocks` blocks of `blockSize` ports.
    public init(window: Int, blockSize: Int, blocks: Int) {
        self.window = window
        self.blockSize = blockSize
        self.blocks = blocks
    }

    /// The first port of the next block whose ports are all free (after one pass over the
    /// window, the next in turn).
    public func take() -> Int {
        lock.withLock {
            var base = window
            for _ in 0..<blocks {
                base = window + (next % blocks) * blockSize
                next += 1
                if (base..<base + blockSize).allSatisfy(NodeLauncher.portIsFree) { break }
            }
            return base
        }
    }
}
