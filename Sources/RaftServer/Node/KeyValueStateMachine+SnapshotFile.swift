import KeyValueStore
import RaftStorage

// The state machine's snapshot travels as an opaque byte stream: it writes it to a sink
// (`writeSnapshot(to:)`, packed into a snapshot file's data records) and restores from the
// data records of a snapshot file, whatever their split.
extension KeyValueStateMachine {
    /// Replaces the state with the snapshot in `reader`'s file; on error the state is untouched.
    func restoreSnapshot(from reader: RaftStorage.SnapshotReader) throws {
        var restorer = SnapshotRestorer()
        while let record = try reader.next() { try restorer.feed(record) }
        store = try restorer.finish()
    }
}
