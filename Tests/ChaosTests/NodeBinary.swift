import Foundation
import NodeTestSupport

/// The raft-node built from this tree (NodeTestSupport's NodeLauncher finds it).
enum NodeBinary {
    static var url: URL { NodeLauncher.binary() }

    static var exists: Bool { FileManager.default.isExecutableFile(atPath: url.path) }

    /// A scratch run directory under the temporary folder, removed when the test process exits.
    static func scratch(_ name: String) -> URL {
        let u = FileManager.default.temporaryDirectory.appendingPathComponent("chaos-tests-\(getpid())-\(name)-\(UUID().uuidString.prefix(6))")
        try? FileManager.default.createDirectory(at: u, withIntermediateDirectories: true)
        ScratchDirectories.removeAtExit(u)
        return u
    }
}

/// The run directories tests make hold node data and packet captures (a planted-fault run's
/// capture alone can pass 500 MB), so they are removed when the test process exits, whatever
/// the outcome; RAFT_TESTS_KEEP_DIRS=1 keeps them for a look after a failure.
enum ScratchDirectories {
    nonisolated(unsafe) private static var pending: [URL] = []
    private static let lock = NSLock()
    nonisolated(unsafe) private static var installed = false

    static func removeAtExit(_ url: URL) {
        lock.withLock {
            pending.append(url)
            if !installed {
                installed = true
                atexit { ScratchDirectories.removeAll() }
            }
        }
    }

    static var keep: Bool { ProcessInfo.processInfo.environment["RAFT_TESTS_KEEP_DIRS"] == "1" }

    static func removeAll() {
        let all = lock.withLock { defer { pending = [] }; return pending }
        guard !keep else { return }
        for u in all { try? FileManager.default.removeItem(at: u) }
    }
}

/// Established TCP sockets on 127.0.0.1 from /proc/net/tcp, with their inodes.
struct TCPSocket: Hashable {
    var localPort: Int
    var remotePort: Int
    var inode: Int

    static func established() -> [TCPSocket] {
        // Read to the end in a loop: /proc files report size 0, and a one-shot read stops at a page.
        guard let handle = FileHandle(forReadingAtPath: "/proc/net/tcp") else { return [] }
        defer { try? handle.close() }
        let text = String(decoding: handle.readDataToEndOfFile(), as: UTF8.self)
        return text.split(separator: "\n").dropFirst().compactMap { line in
            let f = line.split(separator: " ", omittingEmptySubsequences: true)
            guard f.count > 9, f[3] == "01" else { return nil }
            func port(_ s: Substring) -> Int? { s.split(separator: ":").last.flatMap { Int($0, radix: 16) } }
            guard let l = port(f[1]), let r = port(f[2]), let inode = Int(f[9]) else { return nil }
            return TCPSocket(localPort: l, remotePort: r, inode: inode)
        }
    }

    /// Socket inodes held by a process.
    static func inodes(of pid: String) -> Set<Int> {
        let dir = "/proc/\(pid)/fd"
        let fds = (try? FileManager.default.contentsOfDirectory(atPath: dir)) ?? []
        return Set(fds.compactMap { fd in
            guard let target = try? FileManager.default.destinationOfSymbolicLink(atPath: "\(dir)/\(fd)"),
                target.hasPrefix("socket:[") else { return nil }
            return Int(target.dropFirst(8).dropLast())
        })
    }
}
