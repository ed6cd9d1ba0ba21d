// The state machine's snapshot entry points, as the node calls them (Raft §7): taking a
// snapshot (CHECKPOINT, --log-max), restoring one at start and on InstallSnapshot. The byte
// format is SnapshotFormat.swift's; it is a stream of framed records, so a caller can write
// it to a file or a socket chunk by chunk and restore from chunks of any size.

extension KeyValueStateMachine {
    /// Writes the whole state as framed records, handed to `sink` in chunks of whole records.
    /// Runs on the thread that owns the machine (it reads the live store).
    public func writeSnapshot<E: Error>(to sink: ([UInt8]) throws(E) -> Void) throws(E) {
        try store.writeSnapshot(to: sink)
    }

    /// The snapshot as one buffer.
    public func snapshotBytes() -> [UInt8] {
        store.snapshotBytes()
    }

    /// Replaces the state with the snapshot read from `chunks` (split anywhere). On error the
    /// current state is left untouched.
    public func restore<Chunks: Sequence>(from chunks: Chunks) throws(SnapshotError) where Chunks.Element: Collection<UInt8> {
        var restorer = SnapshotRestorer()
        for chunk in chunks { try restorer.feed(chunk) }
        store = try restorer.finish()
    }

    /// Replaces the state with a complete snapshot buffer.
    public func restore(_ bytes: [UInt8]) throws(SnapshotError) {
        try restore(from: CollectionOfOne(bytes))
    }
}
