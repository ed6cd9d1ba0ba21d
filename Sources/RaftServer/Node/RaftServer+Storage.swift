import RaftCore
import RaftStorage

extension RaftServer {
    /// The node's storage and what it recovered: --data-dir (log and snapshots on disk, locked
    /// against a second process), -l FILE (a snapshot to start from), both, or neither (memory).
    func openStorage() throws -> (any RaftPersistence, RecoveredNodeState) {
        let load = try options.snapshotFile.map {
            try SnapshotLoad(path: $0, node: options.id, initialConfiguration: options.initialConfiguration)
        }
        for note in load?.importNotes ?? [] { logger.notice("\(note)") }
        if let load, load.rewritten {
            logger.notice("-l \(load.path): its membership does not include \(options.id); using the command line's members \(load.metadata.configuration.members.sorted())")
        }
        guard let dir = options.dataDirectory else {
            guard let load else { return (MemoryPersistence(), RecoveredNodeState(state: RaftRestoredState(), snapshot: nil)) }
            let (state, _) = load.restoredState(over: RaftRestoredState())
            logger.info("loaded snapshot at index \(load.metadata.index) (term \(load.metadata.term)) from \(load.path); log in memory")
            return (MemoryPersistence(), RecoveredNodeState(state: state, snapshot: try load.stored()))
        }
        do {
            let (disk, recovered, warnings) = try DiskPersistence.open(directory: dir, node: options.id, fsync: options.fsync, loadSnapshot: load)
            for w in warnings { logger.warning("recovery: \(w)") }
            let s = recovered.state
            logger.info("recovered term \(s.hardState.term), commit \(s.hardState.commit), \(s.entries.count) entries, snapshot at \(s.snapshot?.index ?? .zero) from \(dir)")
            return (disk, recovered)
        } catch let e as StorageError {
            if case .locked = e { throw NodeOptionError("cannot use --data-dir \(dir): \(e)") }
            throw NodeOptionError("cannot open --data-dir \(dir): \(e)")
        } catch {
            throw NodeOptionError("cannot open --data-dir \(dir): \(error)")
        }
    }
}
