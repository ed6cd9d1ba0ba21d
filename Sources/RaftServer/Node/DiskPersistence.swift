import NIOConcurrencyHelpers
import RaftCore
import RaftStorage

/// The log, hard state and snapshots on disk (RaftStorage): `<dir>/wal` and `<dir>/snapshots`.
/// `persist` runs on the I/O thread, `saveSnapshot` on the node's loop: a lock keeps them apart.
final class DiskPersistence: RaftPersistence, @unchecked Sendable {
    private let wal: WriteAheadLog
    private let snapshots: SnapshotStore
    private let lock = NIOLock()
    let isDurable = true

    private init(wal: WriteAheadLog, snapshots: SnapshotStore) {
        self.wal = wal
        self.snapshots = snapshots
    }

    /// Opens (or creates) the data directory and recovers what a previous run left.
    static func open(directory: String, node: NodeID, fsync: RaftServerOptions.FsyncPolicy) throws -> (DiskPersistence, RecoveredNodeState, warnings: [String]) {
        let mode: FsyncMode = fsync == .always ? .always : .never
        let (wal, log) = try WriteAheadLog.open(directory: directory + "/wal", options: WALOptions(fsync: mode))
        let store = try SnapshotStore(directory: directory + "/snapshots", node: node, fsync: mode)
        var data: [UInt8]? = nil
        if log.snapshot != nil, let file = log.snapshotFile {
            let reader = try SnapshotReader(path: file)
            var bytes: [UInt8] = []
            while let record = try reader.next() { bytes += record }
            data = bytes
        }
        let state = RaftRestoredState(hardState: log.hardState, snapshot: log.snapshot, entries: log.entries)
        return (DiskPersistence(wal: wal, snapshots: store), RecoveredNodeState(state: state, snapshotData: data), log.warnings)
    }

    func persist(_ batch: PersistBatch) throws {
        try lock.withLock {
            if let s = batch.snapshot, let data = batch.snapshotData {
                try writeSnapshotFile(s, data)
            }
            try wal.append(entries: batch.entries, hardState: batch.hardState)
            try wal.sync()
        }
    }

    func saveSnapshot(_ metadata: SnapshotMetadata, data: [UInt8]) throws {
        try lock.withLock {
            try writeSnapshotFile(metadata, data)
            try wal.sync()
            // §7: the log prefix goes only once the snapshot replacing it is durable.
            try wal.compact(upTo: metadata.index)
        }
    }

    /// Writes the file atomically, then stages its marker in the WAL (durable at the next sync).
    private func writeSnapshotFile(_ metadata: SnapshotMetadata, _ data: [UInt8]) throws {
        let writer = try snapshots.beginWrite(metadata: metadata)
        var offset = 0
        repeat {
            let end = min(offset + (1 << 20), data.count)
            try writer.append(Array(data[offset..<end]))
            offset = end
        } while offset < data.count
        let info = try writer.finish()
        try wal.recordSnapshot(metadata, file: info.path)
        _ = try? snapshots.prune(keeping: info)
    }
}
