// Every way the disk can disappoint us, with enough detail (file, byte offset, errno) for an
// operator to find the damage. Corruption is never silently skipped.

public enum StorageError: Error, Hashable, Sendable, CustomStringConvertible {
    /// A system call failed.
    case io(operation: String, path: String, errno: Int32)
    /// A record or header with a bad checksum or impossible length, followed by valid data (or
    /// in a segment that is not the last): the log is damaged, not merely torn.
    case corrupt(path: String, offset: Int, reason: String)
    /// Entries that do not follow one another (a segment went missing, or a record lies).
    case logGap(path: String, offset: Int, expected: UInt64, found: UInt64)
    /// Segment files whose sequence numbers are not consecutive.
    case missingSegment(path: String, expectedSequence: UInt64)
    /// `compact(upTo:)` asked to drop entries no durable snapshot covers yet.
    case compactionBeyondSnapshot(requested: UInt64, durableSnapshot: UInt64)
    /// A snapshot file or received snapshot that fails validation.
    case invalidSnapshot(path: String, reason: String)
    /// A write failed earlier; the log refuses further use rather than risk a hole.
    case failed(String)
    /// Another process holds the data directory's lock file (two nodes must never share one).
    case locked(path: String, holder: String)
    /// A caller broke the API contract (for example a snapshot chunk out of order).
    case misuse(String)

    public var description: String {
        switch self {
        case .io(let op, let path, let e): return "\(op) \(path): \(String(cString: strerror(e))) (errno \(e))"
        case .corrupt(let path, let off, let why): return "corrupt log \(path) at byte \(off): \(why)"
        case .logGap(let path, let off, let ex, let f): return "log gap in \(path) at byte \(off): expected index \(ex), found \(f)"
        case .missingSegment(let path, let seq): return "missing segment \(seq) before \(path)"
        case .compactionBeyondSnapshot(let r, let s): return "cannot compact up to \(r): durable snapshot covers only \(s)"
        case .invalidSnapshot(let path, let why): return "invalid snapshot \(path): \(why)"
        case .failed(let why): return "storage failed earlier: \(why)"
        case .locked(let path, let holder): return "\(path) is locked by another process (\(holder)): two nodes must not share a data directory"
        case .misuse(let why): return why
        }
    }
}

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
