// Snapshots (§7) as shell decisions: when to take one (--log-max, or CHECKPOINT), at which
// index, and when the core may compact. The index is what the state machine holds once the
// performer carried out the actions returned so far, never the core's handed-out index (`RaftNode.handedOutIndex`): the core
// counts committed entries as applied when it hands them out in a Ready, and a Ready that must
// be made durable first hands them out long before the performer applies them. A snapshot taken
// at the core's index in that window claims writes its state lacks; once the log behind it is
// compacted, a restart or a follower installing it loses those writes for good.
import RaftCore

/// The shell's view of the state machine and of the snapshot being taken.
struct ShellSnapshots: Sendable {
    /// The index the state machine holds once the performer carried out every action returned.
    var machineIndex: LogIndex
    /// The snapshot being written, if any (at most one at a time).
    var inFlight: SnapshotMetadata? = nil
    /// Writes applied since the last snapshot (what --log-max counts), and that count when the
    /// snapshot in flight began (what it covers).
    var appliedSince = 0
    var appliedAtStart = 0
    /// An InstallSnapshot held until its file is in (NodeShell+InstallSnapshot.swift), and the
    /// snapshots whose files are in, not yet installed.
    var held: Message? = nil
    var filesIn: [SnapshotMetadata] = []
}

extension NodeShell {
    /// The index the performer's state machine holds once it carried out the actions returned.
    public var stateMachineIndex: LogIndex { snapshots.machineIndex }

    /// The snapshot being written (asked for by `.takeSnapshot` or `beginSnapshot()`).
    public var snapshotInFlight: SnapshotMetadata? { snapshots.inFlight }

    /// CHECKPOINT: a snapshot of the state machine as it is now, if it holds something newer
    /// than the latest snapshot and none is being written. The performer snapshots at once (a
    /// frozen copy), then reports with `snapshotWritten` or `snapshotFailed`.
    public mutating func beginSnapshot() -> SnapshotMetadata? {
        guard !stopped, snapshots.inFlight == nil else { return nil }
        var index = snapshots.machineIndex
        // UNSAFE, on purpose only: the index the core handed out, ahead of the state machine.
        if config.unsafeFaults.contains(.snapshotAheadOfState) { index = core.handedOutIndex }
        let current = core.snapshot?.index ?? .zero
        guard index > current, let term = core.term(at: index) else { return nil }
        let meta = SnapshotMetadata(index: index, term: term, configuration: core.configuration(at: index))
        snapshots.inFlight = meta
        snapshots.appliedAtStart = snapshots.appliedSince
        return meta
    }

    /// The snapshot `meta` is durable and, when `recorded`, recorded in the log (false: the log
    /// already holds a newer one, installed from the leader meanwhile). Returns whether the core
    /// adopted it and compacted its log: only then is it the one to send to laggards.
    @discardableResult
    public mutating func snapshotWritten(_ meta: SnapshotMetadata, recorded: Bool) -> Bool {
        guard snapshots.inFlight == meta else { return false }
        snapshots.inFlight = nil
        guard recorded, meta.index > (core.snapshot?.index ?? .zero) else { return false }
        core.snapshotTaken(meta)
        snapshots.appliedSince = max(0, snapshots.appliedSince - snapshots.appliedAtStart)
        return core.snapshot == meta
    }

    /// Enough writes were applied since the last snapshot for another (--log-max) and none is
    /// being written. Checked when one finishes: `entriesApplied` asks only as entries arrive,
    /// so when a load stops while a slow snapshot is written, the log would otherwise keep
    /// everything applied meanwhile (up to twice --log-max) until the next write.
    public var snapshotDue: Bool {
        !stopped && snapshots.inFlight == nil && snapshots.appliedSince >= config.logMaxEntries
    }

    /// The --log-max rule in one place: the next snapshot to take when one is due (as
    /// `beginSnapshot()`), else nil. Asked as entries are applied and when a snapshot finishes.
    public mutating func snapshotIfDue() -> SnapshotMetadata? {
        snapshotDue ? beginSnapshot() : nil
    }

    /// Writing the snapshot `meta` failed: the log stays as it is; the next one may be asked for.
    public mutating func snapshotFailed(_ meta: SnapshotMetadata) {
        if snapshots.inFlight == meta { snapshots.inFlight = nil }
    }

    /// The `.apply` of `entries` was just handed out: the state machine will hold the last one.
    mutating func entriesApplied(_ entries: [Entry], into actions: inout [ShellAction]) {
        guard let last = entries.last else { return }
        snapshots.machineIndex = last.index
        snapshots.appliedSince += entries.reduce(0) { $0 + ($1.kind == .normal ? 1 : 0) }
        if let meta = snapshotIfDue() { actions.append(.takeSnapshot(meta)) }
    }

    /// The `.persist` carrying the leader's snapshot `s` was just handed out: the performer
    /// restores the state machine from it first thing.
    mutating func snapshotInstalled(_ s: SnapshotMetadata) {
        snapshots.machineIndex = s.index
        snapshots.appliedSince = 0
        snapshots.filesIn.removeAll { $0.index <= s.index }
    }
}
