import RaftCore

extension NodeDriver {
    /// §7, Figure 13 steps 5-8 on the follower: the core has adopted snapshot `s` (its file
    /// arrived and was made durable before the InstallSnapshot message was stepped in), so the
    /// state machine is reset from that file and the log records it ahead of the entries after it.
    func installSnapshot(_ s: SnapshotMetadata, into write: inout PersistBatch) {
        guard let stored = transport.snapshots.takeInstalled(s) else {
            // The core never sees an InstallSnapshot before its file is in: this is a bug, and
            // going on would leave the state machine behind the log it claims to have applied.
            fatalStorage(NodeOptionError("the core installed snapshot \(s.index)/\(s.term) whose file is not here"))
            return
        }
        do {
            try machine.restoreSnapshot(from: stored.reader())
        } catch {
            fatalStorage(error)
        }
        if case .file(let path, _) = stored { write.snapshotFile = path }
        latestSnapshot = stored
        logger.info("installed a snapshot at index \(s.index) from the leader")
        wakeBlockedClients()
    }
}
