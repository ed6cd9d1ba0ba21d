// Snapshot files in a directory, named like pyraft's: raft_<NODE>_<TIMESTAMP>_<INDEX>.dat
// (NODE sanitized for a file name, TIMESTAMP in Unix milliseconds). Files are written to a
// ".tmp" name and renamed only once complete and synced, so a torn file never carries a final
// name; stale temp files are removed when the store opens.
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import WireCodec
import RaftCore

/// One snapshot file on disk, as described by its name.
public struct SnapshotInfo: Hashable, Sendable {
    public var path: String
    public var fileName: String
    public var node: String
    public var timestamp: UInt64
    public var index: LogIndex
    public var size: Int

    /// Parses `raft_<NODE>_<TIMESTAMP>_<INDEX>.dat`; NODE may itself contain underscores.
    init?(directory: String, fileName: String, size: Int) {
        guard fileName.hasPrefix("raft_"), fileName.hasSuffix(".dat") else { return nil }
        let parts = fileName.dropFirst(5).dropLast(4).split(separator: "_", omittingEmptySubsequences: false)
        guard parts.count >= 3, let ts = UInt64(parts[parts.count - 2]), let index = UInt64(parts[parts.count - 1]) else { return nil }
        self.path = FileSystem.join(directory, fileName)
        self.fileName = fileName
        self.node = parts.dropLast(2).joined(separator: "_")
        self.timestamp = ts
        self.index = LogIndex(index)
        self.size = size
    }
}

public final class SnapshotStore {
    public let directory: String
    public let node: String
    public let fsync: FsyncMode
    /// How many snapshots `prune()` keeps.
    public let retain: Int
    private let now: () -> UInt64

    /// Keeps letters, digits, '-' and '.'; anything else (path separators included) becomes '_'.
    public static func sanitize(_ node: NodeID) -> String {
        let safe = node.rawValue.unicodeScalars.map { s -> Character in
            (s.isASCII && (s.properties.isAlphabetic || ("0"..."9").contains(s) || s == "-" || s == ".")) ? Character(s) : "_"
        }
        let name = String(safe)
        return name.isEmpty || name.allSatisfy({ $0 == "." }) ? "node" : name
    }

    public static func wallClockMilliseconds() -> UInt64 {
        var ts = timespec()
        clock_gettime(CLOCK_REALTIME, &ts)
        return UInt64(ts.tv_sec) * 1000 + UInt64(ts.tv_nsec) / 1_000_000
    }

    public init(directory: String, node: NodeID, fsync: FsyncMode = .always, retain: Int = 2,
                now: @escaping () -> UInt64 = SnapshotStore.wallClockMilliseconds) throws(StorageError) {
        self.directory = directory
        self.node = Self.sanitize(node)
        self.fsync = fsync
        self.retain = max(1, retain)
        self.now = now
        try FileSystem.createDirectory(directory)
        for name in try FileSystem.list(directory) where name.hasPrefix("raft_\(self.node)_") && name.hasSuffix(".tmp") {
            try FileSystem.remove(FileSystem.join(directory, name))
        }
    }

    /// A fresh name: two snapshots of the same index within one millisecond (a transfer that
    /// restarts at once, say) get different timestamps rather than colliding.
    private func names(index: LogIndex) -> (temp: String, final: String) {
        var ms = now()
        while true {
            let final = FileSystem.join(directory, "raft_\(node)_\(ms)_\(index.rawValue).dat")
            if !FileSystem.exists(final) && !FileSystem.exists(final + ".tmp") { return (final + ".tmp", final) }
            ms += 1
        }
    }

    /// Starts writing a snapshot the local state machine produces.
    public func beginWrite(metadata: SnapshotMetadata) throws(StorageError) -> SnapshotWriter {
        let (temp, final) = names(index: metadata.index)
        return try SnapshotWriter(store: self, metadata: metadata, tempPath: temp, finalPath: final)
    }

    /// Starts receiving a snapshot file from the leader, announced by InstallSnapshot(metadata).
    public func beginReceive(metadata: SnapshotMetadata) throws(StorageError) -> SnapshotReceiver {
        let (temp, final) = names(index: metadata.index)
        return try SnapshotReceiver(store: self, metadata: metadata, tempPath: temp, finalPath: final)
    }

    /// This node's complete snapshot files, oldest first (by index, then timestamp).
    public func list() throws(StorageError) -> [SnapshotInfo] {
        var infos: [SnapshotInfo] = []
        for name in try FileSystem.list(directory) {
            guard var info = SnapshotInfo(directory: directory, fileName: name, size: 0), info.node == node else { continue }
            if let h = try? FileHandle(path: info.path, mode: .readOnly) { info.size = (try? h.size()) ?? 0 }
            infos.append(info)
        }
        return infos.sorted { ($0.index, $0.timestamp) < ($1.index, $1.timestamp) }
    }

    /// The newest snapshot that validates completely (every checksum, the end record, and a
    /// metadata index equal to the name's), and a note for each newer one that did not.
    public func latestValid() throws(StorageError) -> (snapshot: SnapshotInfo?, metadata: SnapshotMetadata?, skipped: [String]) {
        var skipped: [String] = []
        for info in try list().reversed() {
            do {
                let reader = try SnapshotReader(path: info.path)
                try reader.validate()
                guard reader.metadata.index == info.index else {
                    skipped.append("\(info.path): metadata index \(reader.metadata.index) differs from the name")
                    continue
                }
                return (info, reader.metadata, skipped)
            } catch {
                skipped.append("\(info.path): \(error)")
            }
        }
        return (nil, nil, skipped)
    }

    /// Deletes the oldest snapshots beyond the retention count, never `keep`. Returns the paths removed.
    @discardableResult
    public func prune(keeping keep: SnapshotInfo? = nil) throws(StorageError) -> [String] {
        let all = try list()
        var removed: [String] = []
        for info in all.dropLast(retain) where info.path != keep?.path {
            try FileSystem.remove(info.path)
            removed.append(info.path)
        }
        if !removed.isEmpty && fsync == .always { try FileSystem.syncDirectory(directory) }
        return removed
    }

    public func open(_ info: SnapshotInfo) throws(StorageError) -> SnapshotReader { try SnapshotReader(path: info.path) }

    /// The chunk of `info`'s file starting at `offset`, for sending to a follower.
    public func chunk(of info: SnapshotInfo, metadata: SnapshotMetadata, offset: UInt64,
                      maxLength: Int = WireLimits.maxSnapshotChunk) throws(StorageError) -> SnapshotChunk {
        try SnapshotFiles.chunk(of: FileHandle(path: info.path, mode: .readOnly), metadata: metadata, offset: offset, maxLength: maxLength)
    }

    /// Copies a snapshot file from elsewhere (an operator's `-l FILE`) into this store, through
    /// the same checks as a received one: it is validated completely before it gets a final name.
    public func importFile(_ path: String) throws(StorageError) -> (SnapshotInfo, SnapshotMetadata) {
        let source = try SnapshotFiles.open(path: path)
        let reader = try SnapshotReader(source: source)
        try reader.validate()
        let receiver = try beginReceive(metadata: reader.metadata)
        var offset: UInt64 = 0
        do throws(StorageError) {
            while true {
                let c = try SnapshotFiles.chunk(of: source, metadata: reader.metadata, offset: offset)
                try receiver.append(c)
                offset += UInt64(c.bytes.count)
                if c.last { break }
            }
        } catch {
            receiver.abort()
            throw error
        }
        return (try receiver.finish(), reader.metadata)
    }
}
