import NIOConcurrencyHelpers
import RaftCore
import RaftStorage

/// The log, hard state and snapshots on disk (RaftStorage): `<dir>/wal` and `<dir>/snapshots`,
/// guarded by `<dir>/LOCK` (one process per directory). `persist` and `finishReceive` run on
/// the I/O thread, `writeSnapshot`/`commitSnapshot` on a snapshot thread: a lock keeps the
/// log's users apart (writing the snapshot file itself needs no lock).
final class DiskPersistence: RaftPersistence, @unchecked Sendable {
    private let wal: WriteAheadLog
    private let snapshots: SnapshotStore
    private let directoryLock: DirectoryLock
    private let lock = NIOLock()
    let isDurable = true

    private init(wal: WriteAheadLog, snapshots: SnapshotStore, directoryLock: DirectoryLock) {
        self.wal = wal
        self.snapshots = snapshots
        self.directoryLock = directoryLock
    }

    /// Opens (or creates) the data directory and recovers what a previous run left; with
    /// `loadSnapshot` (-l FILE) that snapshot replaces an older state, followed by whatever
    /// log after it the directory holds.
    static func open(directory: String, node: NodeID, fsync: RaftServerOptions.FsyncPolicy,
                     loadSnapshot: SnapshotLoad? = nil) throws -> (DiskPersistence, RecoveredNodeState, warnings: [String]) {
        let mode: FsyncMode = fsync == .always ? .always : .never
        let dirLock = try DirectoryLock(directory: directory)
        let (wal, log) = try WriteAheadLog.open(directory: directory + "/wal", options: WALOptions(fsync: mode))
        let store = try SnapshotStore(directory: directory + "/snapshots", node: node, fsync: mode)
        var warnings = log.warnings
        var state = log.restoredState
        var snapshot: StoredSnapshot? = nil
        if let m = log.snapshot, let file = log.snapshotFile {
            snapshot = .file(path: file, metadata: m)
        }
        let persistence = DiskPersistence(wal: wal, snapshots: store, directoryLock: dirLock)
        if let load = loadSnapshot {
            let have = log.snapshot?.index ?? .zero
            if load.metadata.index <= have {
                warnings.append("-l \(load.path) holds index \(load.metadata.index), not newer than the snapshot at \(have) in \(directory): starting from the data directory")
            } else {
                let info = try store.copy(load.reader(), as: load.metadata)
                let (restored, dropped) = load.restoredState(over: state)
                if dropped > 0 { warnings.append("-l: \(dropped) log entries in \(directory) do not follow the snapshot at \(load.metadata.index): discarded") }
                try wal.recordSnapshot(load.metadata, file: info.path)
                try wal.truncate(from: load.metadata.index.next)
                try wal.append(entries: restored.entries, hardState: restored.hardState)
                try wal.sync()
                try wal.compact(upTo: load.metadata.index)
                _ = try? store.prune(keeping: info)
                state = restored
                snapshot = .file(path: info.path, metadata: load.metadata)
            }
        }
        return (persistence, RecoveredNodeState(state: state, snapshot: snapshot), warnings)
    }

    func persist(_ batch: PersistBatch) throws {
        try lock.withLock {
            if let s = batch.snapshot, let file = batch.snapshotFile {
                // §7: the installed snapshot replaces the whole log; entries after it come next.
                try wal.recordSnapshot(s, file: file)
                try wal.truncate(from: s.index.next)
                try wal.rollSegment()
            }
            try wal.append(entries: batch.entries, hardState: batch.hardState)
            // A batch that only moves the commit index is written, not synced (Ready.mustSync).
            if batch.mustSync { try wal.sync() } else { try wal.flush() }
            if let s = batch.snapshot, batch.snapshotFile != nil {
                try wal.compact(upTo: s.index)
                _ = try? snapshots.prune(keeping: snapshots.list().last { $0.path == batch.snapshotFile })
            }
        }
    }

    func writeSnapshot(_ metadata: SnapshotMetadata, write: (_ sink: ([UInt8]) throws -> Void) throws -> Void) throws -> StoredSnapshot {
        let writer = try snapshots.beginWrite(metadata: metadata)
        do {
            try write { try writer.write($0) }
            let info = try writer.finish()
            return .file(path: info.path, metadata: metadata)
        } catch {
            writer.abort()
            throw error
        }
    }

    func commitSnapshot(_ snapshot: StoredSnapshot) throws -> Bool {
        guard case .file(let path, let metadata) = snapshot else { throw StorageError.misuse("not a snapshot file") }
        return try lock.withLock {
            guard metadata.index > wal.durableSnapshotIndex else {
                _ = unlink(path)
                return false
            }
            try wal.recordSnapshot(metadata, file: path)
            try wal.rollSegment()  // so that compaction frees the entries the snapshot covers
            try wal.sync()
            // §7: the log prefix goes only once the snapshot replacing it is durable.
            try wal.compact(upTo: metadata.index)
            _ = try? snapshots.prune(keeping: snapshots.list().last { $0.path == path })
            return true
        }
    }

    func beginReceive(_ metadata: SnapshotMetadata) throws -> any SnapshotChunkReceiver {
        try snapshots.beginReceive(metadata: metadata)  // creates a temp file only: no lock needed
    }

    func finishReceive(_ receiver: any SnapshotChunkReceiver) throws -> StoredSnapshot {
        guard let r = receiver as? SnapshotReceiver else { throw StorageError.misuse("not a file receiver") }
        let info = try r.finish()
        return .file(path: info.path, metadata: r.metadata)
    }
}

#if canImport(Glibc)
import Glibc
#endif
