import RaftStorage

// The state machine's snapshot as an opaque byte stream: written to a sink, restored from the
// data records of a snapshot file (any split of the same bytes restores the same state). The
// storage and shipping code uses only these two functions.
extension ReplicatedStateMachine {
    func writeSnapshot(to sink: ([UInt8]) throws -> Void) throws {
        try sink(serialize())
    }

    func restoreSnapshot(from reader: SnapshotReader) throws {
        var bytes: [UInt8] = []
        while let record = try reader.next() { bytes += record }
        try restore(bytes)
    }
}
