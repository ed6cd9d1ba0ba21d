// Snapshots and log compaction (§7): the shell takes snapshots and ships their bytes; the core
// decides when a follower needs one (InstallSnapshot) and installs the ones it receives.

extension RaftNode {
    /// The shell took a snapshot covering everything up to `metadata.index` (which it has
    /// applied); the core drops those entries and offers this snapshot to lagging peers. The
    /// term and configuration are taken from the core's own log (`configuration(at:)` tells the
    /// shell what to store beside the bytes); a snapshot not newer than the current one, or
    /// beyond what was applied, is ignored.
    public mutating func snapshotTaken(_ metadata: SnapshotMetadata) {
        let index = metadata.index
        guard index > raftLog.snapshotIndex, index <= raftLog.handedOut, index <= raftLog.persisted,
            let t = raftLog.term(at: index)
        else { return }
        latestSnapshot = SnapshotMetadata(index: index, term: t, configuration: confHistory.configuration(at: index))
        confHistory.compact(to: index)
        raftLog.compact(to: index)
    }

    /// §7: a follower behind the compacted log is sent the latest snapshot; appends to it pause
    /// until it reports back (or the send is reported failed, or it stalls for an election timeout).
    mutating func sendSnapshot(to: NodeID) {
        guard var pr = peers[to], let s = latestSnapshot else { return }
        pr.becomeSnapshot(s.index)
        peers[to] = pr
        send(to: to, .installSnapshot(s))
    }

    /// InstallSnapshot receiver (Figure 13): discard the log when the snapshot is newer than
    /// what we hold; keep the suffix when we already have the snapshot's last entry.
    mutating func handleInstallSnapshot(_ m: Message, _ s: SnapshotMetadata) {
        // A snapshot from a later term than its sender's, or at the very end of the index
        // space, is malformed.
        guard s.term <= m.term, s.index.rawValue < UInt64.max / 2 else { return }
        if currentRole != .follower && currentRole != .learner {
            if currentRole == .leader { return }
            becomeFollower(term: m.term, leader: m.from)
        }
        if leaderID != m.from {
            dropForwardedReads()
            leaderID = m.from
        }
        electionElapsed = 0
        if s.index <= raftLog.committed {
            send(to: m.from, .installSnapshotResponse(InstallSnapshotResponse(index: raftLog.committed, success: true)))
            return
        }
        if raftLog.matchTerm(s.index, s.term) {
            // "If existing log entry has same index and term as snapshot's last included entry,
            // retain log entries following it": our log already agrees, only the commit moves.
            raftLog.commit(to: s.index)
            send(to: m.from, .installSnapshotResponse(InstallSnapshotResponse(index: s.index, success: true)))
            return
        }
        raftLog.restore(s)
        confHistory.reset(to: s)
        latestSnapshot = s
        snapshotToPersist = s
        configurationChanged()
        send(to: m.from, .installSnapshotResponse(InstallSnapshotResponse(index: s.index, success: true)))
    }

    mutating func handleSnapshotResponse(_ m: Message, _ r: InstallSnapshotResponse) {
        guard var pr = peers[m.from], r.index <= raftLog.lastIndex else { return }
        pr.recentActive = true
        if r.success {
            _ = pr.maybeUpdate(r.index)
            if pr.state == .snapshot { pr.becomeProbe() }
        } else if pr.state == .snapshot {
            pr.becomeProbe()
        }
        peers[m.from] = pr
        if maybeCommit() { broadcastAppend() } else { sendAppend(to: m.from) }
    }

    /// The shell reports whether streaming a snapshot's bytes to `peer` worked. On failure the
    /// peer is probed again (which resends the snapshot if still needed).
    public mutating func reportSnapshotStatus(peer: NodeID, success: Bool) {
        guard currentRole == .leader, var pr = peers[peer], pr.state == .snapshot else { return }
        if !success {
            pr.becomeProbe()
            peers[peer] = pr
            sendAppend(to: peer)
        }
        // On success wait for the follower's InstallSnapshotResponse.
    }

    /// The shell could not deliver to `peer`: stop pipelining into the void and probe instead.
    public mutating func reportUnreachable(_ peer: NodeID) {
        guard currentRole == .leader, var pr = peers[peer], pr.state == .replicate else { return }
        pr.becomeProbe()
        peers[peer] = pr
    }
}
