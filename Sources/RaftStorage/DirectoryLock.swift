// One process per data directory: two nodes writing one log would interleave records and
// destroy it. An advisory flock(2) on <dir>/LOCK, held for the life of the process (the kernel
// releases it when the process dies, even by kill -9, so a crash never leaves a stale lock).
// The holder's pid is written into the file so the refusal can name it.
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

public final class DirectoryLock: @unchecked Sendable {
    public let path: String
    private let file: FileHandle

    /// Takes the lock or throws `.locked` naming the holder's pid.
    public init(directory: String) throws(StorageError) {
        try FileSystem.createDirectory(directory)
        path = FileSystem.join(directory, "LOCK")
        let fd = open(path, O_RDWR | O_CREAT | O_CLOEXEC, 0o644)
        if fd < 0 { throw .io(operation: "open", path: path, errno: errno) }
        if flock(fd, LOCK_EX | LOCK_NB) != 0 {
            let e = errno
            var holder = "pid unknown"
            var buf = [UInt8](repeating: 0, count: 64)
            let n = buf.withUnsafeMutableBytes { pread(fd, $0.baseAddress, 64, 0) }
            if n > 0 {
                let text = String(decoding: buf[0..<n], as: UTF8.self).split(whereSeparator: { $0 == "\n" }).first.map(String.init) ?? ""
                if !text.isEmpty { holder = "pid \(text)" }
            }
            Glibc.close(fd)
            if e == EWOULDBLOCK || e == EAGAIN { throw .locked(path: path, holder: holder) }
            throw .io(operation: "flock", path: path, errno: e)
        }
        file = FileHandle(adopting: fd, path: path)
        try file.truncate(to: 0)
        try file.write(Array("\(getpid())\n".utf8), at: 0)
    }

    /// Releases the lock (the process exiting does the same).
    public func release() {
        file.close()
    }
}
