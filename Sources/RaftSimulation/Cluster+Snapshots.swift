// Snapshots in the simulation, performed as the NIO node performs them: the shell decides when
// (--log-max, or a CHECKPOINT at any moment of the Ready cycle) and at which index; the state is
// frozen when the action is performed, written to the simulated disk a little later (a crash
// meanwhile loses it), and only then does the core compact. An InstallSnapshot carries the
// sender's snapshot state; the follower's shell holds the message while that "file" streams in
// (which takes a while, and sometimes breaks), and the state machine is restored from it when
// the shell hands out the `.persist` that installs it.

import RaftCore
import RaftShell

extension Cluster {
    /// CHECKPOINT on node `i`, whatever its Ready is doing (a `.persist` may be in flight).
    func checkpoint(_ i: Int) throws(Violation) {
        transcript.record(.action(time: now, "\(nodes[i].id) CHECKPOINT"))
        try drive(i) { (shell: inout NodeShell) in shell.beginSnapshot().map { [.takeSnapshot($0)] } ?? [] }
    }

    /// `.takeSnapshot`: the state machine is frozen now; the write completes a little later.
    func takeSnapshot(_ meta: SnapshotMetadata, on i: Int) {
        let node = nodes[i]
        transcript.record(.action(time: now, "\(node.id) snapshots at \(meta.index) (state machine at \(node.applied))"))
        queue.push(at: now + 1 + UInt64(rng.below(4)), .snapshotWritten(node: i, incarnation: node.incarnation, meta, state: node.state))
    }

    /// The snapshot file is durable: recorded in the log unless a newer one is there already.
    func snapshotWritten(_ i: Int, incarnation: Int, _ meta: SnapshotMetadata, state: UInt64) throws(Violation) {
        let node = nodes[i]
        guard node.incarnation == incarnation, node.isRunning else { return }
        let recorded = meta.index > (node.disk.snapshot?.index ?? .zero)
        if recorded {
            node.disk.compact(meta)
            node.disk.snapshotState = state
        }
        snapshotsTaken += 1
        try drive(i) { (shell: inout NodeShell) in
            shell.snapshotWritten(meta, recorded: recorded)
            // As the node does: the next snapshot at once if --log-max writes arrived meanwhile.
            return shell.snapshotIfDue().map { [.takeSnapshot($0)] } ?? []
        }
    }

    /// What node `i` ships for snapshot `s`: its own snapshot's state, or one it received.
    func snapshotState(_ s: SnapshotMetadata, on i: Int) -> UInt64? {
        let node = nodes[i]
        if node.disk.snapshot == s { return node.disk.snapshotState }
        return node.receivedSnapshots[s]
    }

    /// `.receiveSnapshot`: the file streams in for a while (the shell holds the InstallSnapshot
    /// meanwhile, and appends keep arriving); now and then the transfer breaks.
    func receiveSnapshot(_ meta: SnapshotMetadata, on i: Int) {
        let node = nodes[i]
        let state = rng.below(10) == 0 ? nil : node.arrivingSnapshots[meta]
        transcript.record(.action(time: now, "\(node.id) receives the file of snapshot \(meta.index)/\(meta.term)\(state == nil ? " (the transfer will break)" : "")"))
        queue.push(at: now + 2 + UInt64(rng.below(12)), .snapshotReceived(node: i, incarnation: node.incarnation, meta, state: state))
    }

    func snapshotReceived(_ i: Int, incarnation: Int, _ meta: SnapshotMetadata, state: UInt64?) throws(Violation) {
        let node = nodes[i]
        guard node.incarnation == incarnation, node.isRunning else { return }
        node.arrivingSnapshots[meta] = nil
        guard let state else {
            try drive(i) { (shell: inout NodeShell) in
                shell.snapshotReceiveFailed(meta)
                return []
            }
            return
        }
        node.receivedSnapshots = node.receivedSnapshots.filter { $0.key.index > meta.index }
        node.receivedSnapshots[meta] = state
        try drive(i) { (shell: inout NodeShell) in
            shell.snapshotReceived(meta)
            return []
        }
    }

    /// The shell handed out a `.persist` installing `s`: the state machine is reset from the
    /// file that came with the InstallSnapshot (the real node refuses to go on without it).
    func restoreReceived(_ s: SnapshotMetadata, on i: Int) throws(Violation) {
        let node = nodes[i]
        guard let state = node.receivedSnapshots[s] else {
            throw Violation(rule: "Snapshot", detail: "\(node.id) installed snapshot \(s.index)/\(s.term) whose file never arrived")
        }
        node.applied = s.index
        node.state = state
        try agreement.observe(node: node.id, index: s.index, digest: state, how: "installed the leader's snapshot")
    }
}
