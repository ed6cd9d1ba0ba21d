// The node's disk persistence: a batch that only moves the commit index is written without an
// fsync (Ready.mustSync), and either kind of batch is read back after a restart, with either
// --fsync policy.

import Foundation
import RaftCore
import Testing
@testable import RaftServer

@Suite("DiskPersistence: synced and unsynced batches")
struct DiskPersistenceTests {
    private func entries(_ r: ClosedRange<UInt64>, term: Term = 2) -> [Entry] {
        r.map { Entry(term: term, index: LogIndex($0), data: Array("v\($0)".utf8)) }
    }

    @Test(arguments: [RaftServerOptions.FsyncPolicy.always, .never])
    func aCommitOnlyBatchIsWrittenAndReadBackAfterARestart(fsync: RaftServerOptions.FsyncPolicy) throws {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("disk-persistence-\(UUID().uuidString)").path
        defer { try? FileManager.default.removeItem(atPath: dir) }
        do {
            let (disk, recovered, _) = try DiskPersistence.open(directory: dir, node: "n1", fsync: fsync)
            #expect(recovered.state.entries.isEmpty)
            try disk.persist(PersistBatch(entries: entries(1...3), hardState: HardState(term: 2, votedFor: "n1", commit: 0), mustSync: true))
            try disk.persist(PersistBatch(entries: [], hardState: HardState(term: 2, votedFor: "n1", commit: 3), mustSync: false))
            try disk.persist(PersistBatch(entries: entries(4...5), hardState: nil, mustSync: true))
            try disk.persist(PersistBatch(entries: [], hardState: HardState(term: 2, votedFor: "n1", commit: 5), mustSync: false))
        }  // the first instance (and its directory lock) ends here: a restart
        let (again, recovered, warnings) = try DiskPersistence.open(directory: dir, node: "n1", fsync: fsync)
        _ = again
        #expect(warnings.isEmpty)
        #expect(recovered.state.entries.map(\.index) == (1...5).map { LogIndex($0) })
        #expect(recovered.state.hardState == HardState(term: 2, votedFor: "n1", commit: 5))
    }
}
