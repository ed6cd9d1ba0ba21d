// The unit in which a snapshot file travels and is received: the peer port carries it in a
// frame (PeerWire), RaftStorage's receivers validate and write it.
import RaftCore

/// A piece of the snapshot file announced by an InstallSnapshot message with the same index and term.
public struct SnapshotChunk: Hashable, Sendable {
    public var snapshotIndex: LogIndex
    public var snapshotTerm: Term
    /// Byte offset of `bytes` in the snapshot file; chunks arrive in order.
    public var offset: UInt64
    /// Size of the whole file when the sender knows it.
    public var totalSize: UInt64?
    /// Set on the final chunk.
    public var last: Bool
    public var bytes: [UInt8]
    public init(snapshotIndex: LogIndex, snapshotTerm: Term, offset: UInt64, totalSize: UInt64? = nil, last: Bool, bytes: [UInt8]) {
        self.snapshotIndex = snapshotIndex
        self.snapshotTerm = snapshotTerm
        self.offset = offset
        self.totalSize = totalSize
        self.last = last
        self.bytes = bytes
    }
}

extension SnapshotChunk {
    /// The part of this chunk at or after byte `offset` of the file; nil when it ends at or
    /// before it (a chunk the receiver holds already, sent again before a resume took effect).
    public func suffix(from offset: UInt64) -> SnapshotChunk? {
        guard offset > self.offset else { return self }
        guard offset < self.offset + UInt64(bytes.count) else { return nil }
        var rest = self
        rest.bytes = Array(bytes[Int(offset - self.offset)...])
        rest.offset = offset
        return rest
    }
}
