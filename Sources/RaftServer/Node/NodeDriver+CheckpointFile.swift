#if canImport(Glibc)
import Glibc
#endif
import NIOCore
import NIOPosix
import RaftCore
import RaftStorage

// `CHECKPOINT FILE path` (pyraft's `checkpoint FILENAME`): snapshot now, as CHECKPOINT does,
// then copy that snapshot also to `path`, in the node's own snapshot format, which `raft-node
// -l path` loads and `raft-node dump-snapshot path` prints. The copy is written beside its
// destination and renamed into place after an fsync, so `path` is never a half-written file.

extension NodeDriver {
    struct CheckpointCopy: Sendable {
        var index: LogIndex
        var path: String
    }

    func checkpoint(alsoTo path: String) -> EventLoopFuture<CheckpointCopy> {
        let absolute = path.hasPrefix("/") ? path : Self.workingDirectory() + "/" + path
        return checkpoint().flatMap { [self] index in
            guard let latest = latestSnapshot, latest.metadata.index > .zero else {
                return loop.makeFailedFuture(NodeOptionError("ERR nothing to checkpoint yet: no entry has been applied"))
            }
            return ioPool.runIfActive(eventLoop: loop) {
                try Self.copy(latest, to: absolute)
                return CheckpointCopy(index: latest.metadata.index, path: absolute)
            }
        }
    }

    static func workingDirectory() -> String {
        var buffer = [CChar](repeating: 0, count: 4096)
        guard getcwd(&buffer, buffer.count) != nil else { return "." }
        return String(cString: buffer)
    }

    /// Streams the stored snapshot into `path.tmp-<pid>`, fsyncs, renames over `path`.
    static func copy(_ snapshot: StoredSnapshot, to path: String) throws {
        let source = try snapshot.open()
        let size = try source.size()
        let temporary = "\(path).tmp-\(getpid())"
        let fd = open(temporary, O_WRONLY | O_CREAT | O_TRUNC, 0o644)
        guard fd >= 0 else { throw NodeOptionError("ERR cannot write \(path): \(String(cString: strerror(errno)))") }
        var ok = false
        defer {
            close(fd)
            if !ok { unlink(temporary) }
        }
        var offset = 0
        while offset < size {
            let chunk = try source.read(count: min(1 << 20, size - offset), at: offset)
            guard !chunk.isEmpty else { break }
            var written = 0
            while written < chunk.count {
                let n = chunk[written...].withUnsafeBytes { write(fd, $0.baseAddress, $0.count) }
                guard n > 0 else { throw NodeOptionError("ERR cannot write \(path): \(String(cString: strerror(errno)))") }
                written += n
            }
            offset += chunk.count
        }
        guard fsync(fd) == 0, rename(temporary, path) == 0 else {
            throw NodeOptionError("ERR cannot write \(path): \(String(cString: strerror(errno)))")
        }
        ok = true
    }
}
