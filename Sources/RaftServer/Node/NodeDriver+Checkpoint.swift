import NIOCore
import NIOPosix
import RaftCore

extension NodeDriver {
    /// Takes a snapshot of the state machine at the applied index without stalling the loop
    /// (a leader serializing a million keys on its loop would miss heartbeats and lose its
    /// leadership): the store is frozen copy-on-write here, serialized and written to a durable
    /// file on another thread, recorded in the log (ordered with Ready batches by the
    /// persistence lock), and only then handed to the core, which compacts (§7). Completes
    /// with the snapshot's index; a request while one is running waits for it, then snapshots
    /// whatever was applied since.
    @discardableResult
    func checkpoint() -> EventLoopFuture<LogIndex> {
        if let running = snapshotInFlight {
            return running.flatMapError { _ in self.loop.makeSucceededFuture(.zero) }.flatMap { _ in self.checkpoint() }
        }
        let index = raft.appliedIndex
        let current = raft.snapshot?.index ?? .zero
        guard index > current, let term = raft.term(at: index) else { return loop.makeSucceededFuture(current) }
        let meta = SnapshotMetadata(index: index, term: term, configuration: raft.configuration(at: index))
        let frozen = FrozenStore(store: machine.store.frozenCopy())
        let persistence = self.persistence
        let appliedAtStart = appliedSinceSnapshot
        let done = NIOThreadPool.singleton.runIfActive(eventLoop: loop) { () throws -> (StoredSnapshot, Bool, Int) in
            let stored = try persistence.writeSnapshot(meta) { sink in try frozen.store.writeSnapshot(to: sink) }
            let size = (try? stored.open().size()) ?? 0
            return (stored, try persistence.commitSnapshot(stored), size)
        }.flatMapThrowing { [self] (stored: StoredSnapshot, recorded: Bool, size: Int) -> LogIndex in
            snapshotInFlight = nil
            guard recorded, meta.index > (raft.snapshot?.index ?? .zero) else {
                logger.info("snapshot at index \(meta.index) discarded: a newer one was installed meanwhile")
                return raft.snapshot?.index ?? .zero
            }
            if (transport.snapshots.latest?.metadata.index ?? .zero) < meta.index { transport.snapshots.latest = stored }
            raft.snapshotTaken(meta)
            appliedSinceSnapshot = max(0, appliedSinceSnapshot - appliedAtStart)
            metrics.snapshotTaken(bytes: size)
            logger.info("snapshot taken at index \(meta.index)")
            scheduleReady()
            return meta.index
        }
        done.whenFailure { [self] error in
            snapshotInFlight = nil
            logger.error("snapshot at index \(meta.index) failed: \(error)")
        }
        snapshotInFlight = done
        return done
    }
}

/// The frozen copy travels to the snapshot thread, which only reads it.
private struct FrozenStore: @unchecked Sendable {
    let store: KeyValueStore
}

import KeyValueStore
