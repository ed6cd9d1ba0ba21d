// Size limits shared by the peer port and storage: a storage record holds what a frame can
// carry, and a snapshot chunk is bounded the same way on disk and on the wire.

public enum WireLimits {
    /// The largest frame body (and so the largest entry batch) a peer accepts by default.
    public static let maxBody = 64 << 20
    /// Snapshot bytes travel in chunks no larger than this, so no frame or buffer needs a whole state.
    public static let maxSnapshotChunk = 1 << 20
}
