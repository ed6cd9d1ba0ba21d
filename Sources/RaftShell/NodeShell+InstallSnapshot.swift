// The follower's side of InstallSnapshot (§7, Figure 13) as shell decisions. The core must not
// see the message before the snapshot's file is in: it would adopt a state the performer cannot
// restore. So the shell holds the message while the performer receives the file, and steps it
// into the core once the file is durable; the core's Ready then names the snapshot, and the
// `.persist` that carries it tells the performer to restore the state machine from that file.
import RaftCore

extension NodeShell {
    /// An InstallSnapshot from a leader. It goes to the core at once when the core can answer
    /// it without the file (it covers nothing beyond this node's commit index, or its file is
    /// in already); otherwise it is held and the performer asked to receive the file
    /// (`.receiveSnapshot`; a repeated message for the same snapshot asks again, and the
    /// performer keeps a transfer that has not started yet, or starts over).
    public mutating func installSnapshotArrived(_ m: Message) -> [ShellAction] {
        guard !stopped else { return [] }
        guard case .installSnapshot(let meta) = m.body, meta.index > core.commitIndex, !snapshots.filesIn.contains(meta) else {
            core.step(m)
            return []
        }
        snapshots.held = m
        return [.receiveSnapshot(meta)]
    }

    /// The file of snapshot `meta` is in, validated and durable: the held message goes to the core.
    public mutating func snapshotReceived(_ meta: SnapshotMetadata) {
        guard !stopped else { return }
        snapshots.filesIn.removeAll { $0.index <= meta.index }
        snapshots.filesIn.append(meta)
        if let m = snapshots.held, case .installSnapshot(let h) = m.body, h == meta {
            snapshots.held = nil
            core.step(m)
        }
    }

    /// Receiving the file of `meta` failed (a bad chunk, a broken connection, an invalid file):
    /// the message is dropped; the leader's stall timer sends it again.
    public mutating func snapshotReceiveFailed(_ meta: SnapshotMetadata) {
        if let m = snapshots.held, case .installSnapshot(let h) = m.body, h == meta { snapshots.held = nil }
    }

    /// The leader whose held InstallSnapshot waits for its file: the one to ask for the rest
    /// of a file whose transfer broke (the core may not know that leader yet).
    public var snapshotSender: NodeID? { snapshots.held?.from }

    /// The snapshot whose InstallSnapshot waits for its file, if any.
    public var snapshotAwaitingFile: SnapshotMetadata? {
        guard let m = snapshots.held, case .installSnapshot(let h) = m.body else { return nil }
        return h
    }
}
