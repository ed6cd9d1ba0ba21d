import RaftCore
import RaftStorage

/// One Ready's worth of state to make durable, in the order Ready.swift prescribes.
struct PersistBatch: Sendable {
    var entries: [Entry]
    var hardState: HardState?
    var snapshot: SnapshotMetadata?
    /// The installed file of `snapshot` (received from the leader, already durable): the log
    /// records it before the entries after it, and forgets the log it replaces.
    var snapshotFile: String?
    /// Whether the batch must be durable before what follows it (`Ready.mustSync`): written
    /// and synced (when the node syncs at all, `--fsync always`). False for a batch that only
    /// moves the commit index: written without an fsync, on the event loop.
    var mustSync: Bool
}

/// What a node recovered at start: the core's restored state and the state machine snapshot.
struct RecoveredNodeState: Sendable {
    var state: RaftRestoredState
    var snapshot: StoredSnapshot?
}

/// Where the node keeps its log, hard state and snapshots. `persist` runs off the event loop
/// when `isDurable` (it may block in fsync); it must leave the log truncated at
/// `entries.first.index` and extended with `entries`.
protocol RaftPersistence: Sendable {
    var isDurable: Bool { get }
    func persist(_ batch: PersistBatch) throws
    /// Writes a snapshot the state machine streams through `write` into a complete, durable
    /// file (or image). Touches no log: may run on any thread, beside `persist`.
    func writeSnapshot(_ metadata: SnapshotMetadata, write: (_ sink: ([UInt8]) throws -> Void) throws -> Void) throws -> StoredSnapshot
    /// Records a written snapshot in the log and drops the log it covers (§7: only once the
    /// snapshot is durable). False when the log already holds a newer snapshot (one installed
    /// from the leader meanwhile): then this one is discarded.
    func commitSnapshot(_ snapshot: StoredSnapshot) throws -> Bool
    /// Starts receiving the leader's snapshot file in chunks.
    func beginReceive(_ metadata: SnapshotMetadata) throws -> any SnapshotChunkReceiver
    /// Validates a completely received file and makes it durable under its final name. May
    /// block (it reads the whole file and fsyncs): call it off the event loop.
    func finishReceive(_ receiver: any SnapshotChunkReceiver) throws -> StoredSnapshot
}

/// No disk at all: the core's in-memory log is the only copy (a node that restarts starts
/// empty, so run it only where losing a node's state is acceptable, e.g. tests and benchmarks).
/// Snapshots are images in memory, in the same format as files.
struct MemoryPersistence: RaftPersistence {
    var isDurable: Bool { false }
    func persist(_ batch: PersistBatch) throws {}

    func writeSnapshot(_ metadata: SnapshotMetadata, write: (_ sink: ([UInt8]) throws -> Void) throws -> Void) throws -> StoredSnapshot {
        .memory(try SnapshotImage.build(metadata: metadata, write: write), metadata: metadata)
    }

    func commitSnapshot(_ snapshot: StoredSnapshot) throws -> Bool { true }

    func beginReceive(_ metadata: SnapshotMetadata) throws -> any SnapshotChunkReceiver {
        MemorySnapshotReceiver(metadata: metadata)
    }

    func finishReceive(_ receiver: any SnapshotChunkReceiver) throws -> StoredSnapshot {
        guard let r = receiver as? MemorySnapshotReceiver else { throw StorageError.misuse("not a memory receiver") }
        return .memory(try r.finish(), metadata: r.metadata)
    }
}
