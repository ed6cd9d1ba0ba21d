import KeyValueStore
import NIOCore
import NIOPosix
import RaftCore

extension NodeDriver {
    /// CHECKPOINT: a snapshot of the state machine as it is now. Completes with the snapshot's
    /// index; a request while one is running waits for it, then snapshots whatever was applied
    /// since. The shell picks the index (what the state machine holds, which is behind the
    /// core's handed-out index while a Ready is being made durable).
    @discardableResult
    func checkpoint() -> EventLoopFuture<LogIndex> {
        if let running = snapshotInFlight {
            return running.flatMapError { _ in self.loop.makeSucceededFuture(.zero) }.flatMap { _ in self.checkpoint() }
        }
        guard let meta = shell.beginSnapshot() else { return loop.makeSucceededFuture(raft.snapshot?.index ?? .zero) }
        return takeSnapshot(meta)
    }

    /// Takes the snapshot `meta` the shell asked for without stalling the loop (a leader
    /// serializing a million keys on its loop would miss heartbeats and lose its leadership):
    /// the store, which holds exactly `meta.index` now, is frozen copy-on-write here, serialized
    /// and written to a durable file on another thread, recorded in the log (ordered with Ready
    /// batches by the persistence lock), and only then handed to the core, which compacts (§7).
    @discardableResult
    func takeSnapshot(_ meta: SnapshotMetadata) -> EventLoopFuture<LogIndex> {
        let frozen = FrozenStore(store: machine.store.frozenCopy())
        let persistence = self.persistence
        let started = NIODeadline.now()
        let done = ioPool.runIfActive(eventLoop: loop) { () throws -> (StoredSnapshot, Bool, Int) in
            let stored = try persistence.writeSnapshot(meta) { sink in try frozen.store.writeSnapshot(to: sink) }
            let size = (try? stored.open().size()) ?? 0
            return (stored, try persistence.commitSnapshot(stored), size)
        }.map { [self] (stored: StoredSnapshot, recorded: Bool, size: Int) -> LogIndex in
            snapshotInFlight = nil
            guard shell.snapshotWritten(meta, recorded: recorded) else {
                logger.info("snapshot at index \(meta.index) discarded: a newer one was installed meanwhile")
                return raft.snapshot?.index ?? .zero
            }
            if (latestSnapshot?.metadata.index ?? .zero) < meta.index { latestSnapshot = stored }
            metrics.snapshotTaken(bytes: size)
            // The core just compacted its log, and the frozen copy is gone: give the pages glibc
            // keeps back, off the loop (docs/BENCHMARKS.md, "RSS (h/rss)").
            // It holds each arena's lock while it walks it; its time says what the loop may wait.
            ioPool.runIfActive(eventLoop: loop) { () -> Int64 in
                let t0 = NIODeadline.now()
                GlibcMalloc.trim()
                return (NIODeadline.now() - t0).nanoseconds / 1_000
            }.whenSuccess { [logger] us in logger.debug("malloc_trim after the snapshot at index \(meta.index): \(us) us") }
            logger.info("snapshot taken at index \(meta.index) in \((NIODeadline.now() - started).nanoseconds / 1_000_000) ms")
            scheduleReady()
            if let next = shell.snapshotIfDue() { takeSnapshot(next) }
            return meta.index
        }
        done.whenFailure { [self] error in
            snapshotInFlight = nil
            shell.snapshotFailed(meta)
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
