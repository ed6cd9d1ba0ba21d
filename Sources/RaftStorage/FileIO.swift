// The only place that talks to the file system: thin, throwing wrappers over POSIX calls.
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Whether `sync()` really reaches the disk. `.never` skips every fsync: fast, and UNSAFE — a
/// crash or power loss can lose acknowledged writes and votes, breaking Raft's safety (§5.1
/// requires persistent state on stable storage before answering RPCs). For tests and benchmarks.
public enum FsyncMode: String, Sendable, CaseIterable {
    case always
    case never
}

/// An open file descriptor that is closed when dropped.
final class FileHandle {
    let fd: Int32
    let path: String
    private var closed = false

    enum Mode {
        case readOnly, readWrite, createNew, directory
        var flags: Int32 {
            switch self {
            case .readOnly: O_RDONLY
            case .readWrite: O_RDWR
            case .createNew: O_RDWR | O_CREAT | O_EXCL
            case .directory: O_RDONLY | O_DIRECTORY
            }
        }
    }

    init(path: String, mode: Mode) throws(StorageError) {
        let fd = open(path, mode.flags | O_CLOEXEC, 0o644)
        if fd < 0 { throw .io(operation: "open", path: path, errno: errno) }
        self.fd = fd
        self.path = path
    }

    /// Takes ownership of an open descriptor.
    init(adopting fd: Int32, path: String) {
        self.fd = fd
        self.path = path
    }

    deinit { close() }

    func close() {
        if !closed {
            _ = Glibc.close(fd)
            closed = true
        }
    }

    func size() throws(StorageError) -> Int {
        var st = stat()
        if fstat(fd, &st) != 0 { throw .io(operation: "fstat", path: path, errno: errno) }
        return Int(st.st_size)
    }

    /// Writes all of `bytes` at `offset`, retrying short writes and EINTR.
    func write(_ bytes: UnsafeRawBufferPointer, at offset: Int) throws(StorageError) {
        var done = 0
        while done < bytes.count {
            let n = pwrite(fd, bytes.baseAddress! + done, bytes.count - done, off_t(offset + done))
            if n < 0 {
                if errno == EINTR { continue }
                throw .io(operation: "pwrite", path: path, errno: errno)
            }
            done += n
        }
    }

    func write(_ bytes: [UInt8], at offset: Int) throws(StorageError) {
        if bytes.isEmpty { return }
        var error: StorageError?
        bytes.withUnsafeBytes { buf in
            do throws(StorageError) { try write(buf, at: offset) } catch let e { error = e }
        }
        if let error { throw error }
    }

    /// Reads up to `count` bytes at `offset`; fewer only at end of file.
    func read(count: Int, at offset: Int) throws(StorageError) -> [UInt8] {
        var out = [UInt8](repeating: 0, count: count)
        var done = 0
        var failure: Int32 = 0
        out.withUnsafeMutableBytes { buf in
            while done < count {
                let n = pread(fd, buf.baseAddress! + done, count - done, off_t(offset + done))
                if n < 0 {
                    if errno == EINTR { continue }
                    failure = errno
                    return
                }
                if n == 0 { return }
                done += n
            }
        }
        if failure != 0 { throw .io(operation: "pread", path: path, errno: failure) }
        if done < count { out.removeLast(count - done) }
        return out
    }

    func sync() throws(StorageError) {
        if fsync(fd) != 0 { throw .io(operation: "fsync", path: path, errno: errno) }
    }

    func truncate(to size: Int) throws(StorageError) {
        if ftruncate(fd, off_t(size)) != 0 { throw .io(operation: "ftruncate", path: path, errno: errno) }
    }
}

enum FileSystem {
    static func join(_ dir: String, _ name: String) -> String { dir.hasSuffix("/") ? dir + name : dir + "/" + name }

    static func createDirectory(_ path: String) throws(StorageError) {
        var prefix = path.hasPrefix("/") ? "" : "."
        for part in path.split(separator: "/") {
            prefix += "/" + part
            if mkdir(prefix, 0o755) != 0 && errno != EEXIST {
                throw .io(operation: "mkdir", path: prefix, errno: errno)
            }
        }
    }

    static func list(_ dir: String) throws(StorageError) -> [String] {
        guard let d = opendir(dir) else { throw .io(operation: "opendir", path: dir, errno: errno) }
        defer { closedir(d) }
        var names: [String] = []
        while let entry = readdir(d) {
            let name = withUnsafePointer(to: entry.pointee.d_name) {
                $0.withMemoryRebound(to: CChar.self, capacity: 256) { String(cString: $0) }
            }
            if name != "." && name != ".." { names.append(name) }
        }
        return names.sorted()
    }

    /// Makes a rename, create or unlink in `dir` durable (the directory entry is data too).
    static func syncDirectory(_ dir: String) throws(StorageError) {
        let h = try FileHandle(path: dir, mode: .directory)
        try h.sync()
    }

    static func rename(_ from: String, _ to: String) throws(StorageError) {
        if Glibc.rename(from, to) != 0 { throw .io(operation: "rename", path: from + " -> " + to, errno: errno) }
    }

    static func remove(_ path: String) throws(StorageError) {
        if unlink(path) != 0 && errno != ENOENT { throw .io(operation: "unlink", path: path, errno: errno) }
    }

    static func exists(_ path: String) -> Bool { access(path, F_OK) == 0 }
}
