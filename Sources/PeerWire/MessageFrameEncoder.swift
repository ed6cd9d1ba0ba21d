import RaftCore

/// Encodes the frames of one batch of outgoing messages (one Ready's), writing the entries of an
/// AppendEntries once for every follower that is sent the same ones: a leader sends each new
/// batch of entries to every follower that keeps up, and encoding them per follower was most of
/// the cost of a frame (FrameCodec.encode was 3.4% of a replicated SET on a 3-node leader, two
/// followers; a 5-node leader has four). The frames are byte for byte those of
/// `FrameCodec.encode(_:)`.
///
/// Two AppendEntries of one batch carry the same entries when they start at the same index, hold
/// as many, and end with the same term: both are slices of the one leader's log at one moment,
/// and an entry's index and term identify it (and everything before it) in that log (§5.3, Log
/// Matching). Use one encoder per batch only: the log may change between batches.
public struct MessageFrameEncoder {
    private var sharedKey: (first: LogIndex, count: Int, lastTerm: Term)? = nil
    private var shared: [UInt8] = []

    public init() {}

    /// The complete bytes of `frame`.
    public mutating func encode(_ frame: Frame) -> [UInt8] {
        guard case .message(let m) = frame, case .appendEntries(let ae) = m.body, let first = ae.entries.first, let last = ae.entries.last else {
            return FrameCodec.encode(frame)
        }
        let key = (first: first.index, count: ae.entries.count, lastTerm: last.term)
        if let k = sharedKey, k.first == key.first, k.count == key.count, k.lastTerm == key.lastTerm {
            // the same entries as an earlier frame of this batch: copied, not encoded again
        } else {
            var w = WireWriter(capacity: ae.entries.reduce(0) { $0 + 21 + $1.data.count })
            w.entries(ae.entries)
            shared = w.bytes
            sharedKey = key
        }
        var w = WireWriter(capacity: 128 + shared.count)
        FrameCodec.encode(frame, into: &w, encodedEntries: shared)
        return w.bytes
    }
}
