import RaftCore

/// One Ready's worth of state to make durable, in the order Ready.swift prescribes.
struct PersistBatch: Sendable {
    var entries: [Entry]
    var hardState: HardState?
    var snapshot: SnapshotMetadata?
    /// The bytes of `snapshot` (received from the leader), to store before the entries after it.
    var snapshotData: [UInt8]?
    var sync: Bool
}

/// What a node recovered at start: the core's restored state and the state machine snapshot.
struct RecoveredNodeState: Sendable {
    var state: RaftRestoredState
    var snapshotData: [UInt8]?
}

/// Where the node keeps its log, hard state and snapshots. `persist` runs off the event loop
/// when `isDurable` (it may block in fsync); it must leave the log truncated at
/// `entries.first.index` and extended with `entries`.
protocol RaftPersistence: Sendable {
    var isDurable: Bool { get }
    func persist(_ batch: PersistBatch) throws
    func saveSnapshot(_ metadata: SnapshotMetadata, data: [UInt8]) throws
}

/// No disk at all: the core's in-memory log is the only copy (a node that restarts starts
/// empty, so run it only where losing a node's state is acceptable, e.g. tests and benchmarks).
struct MemoryPersistence: RaftPersistence {
    var isDurable: Bool { false }
    func persist(_ batch: PersistBatch) throws {}
    func saveSnapshot(_ metadata: SnapshotMetadata, data: [UInt8]) throws {}
}
