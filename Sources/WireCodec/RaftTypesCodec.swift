// The byte encoding of RaftCore's contract types. RaftStorage uses the same functions for its
// entry and hard-state records, so the log on disk and the log on the wire share one format.
import RaftCore

extension WireWriter {
    public mutating func nodeID(_ v: NodeID) { string(v.rawValue) }

    /// term u64, index u64, kind u8, data (u32 length + bytes).
    public mutating func entry(_ e: Entry) {
        u64(e.term.rawValue)
        u64(e.index.rawValue)
        u8(e.kind.rawValue)
        blob(e.data)
    }

    /// term u64, votedFor (u8 present + string), commit u64.
    public mutating func hardState(_ h: HardState) {
        u64(h.term.rawValue)
        if let v = h.votedFor {
            u8(1)
            nodeID(v)
        } else {
            u8(0)
        }
        u64(h.commit.rawValue)
    }

    /// Sets are written sorted so that equal configurations encode to equal bytes.
    public mutating func configuration(_ c: Configuration) {
        let voters = c.voters.sorted()
        u32(UInt32(voters.count))
        for v in voters { nodeID(v) }
        let learners = c.learners.sorted()
        u32(UInt32(learners.count))
        for l in learners { nodeID(l) }
        let addresses = c.addresses.sorted { $0.key < $1.key }
        u32(UInt32(addresses.count))
        for (node, address) in addresses {
            nodeID(node)
            string(address)
        }
    }

    public mutating func snapshotMetadata(_ m: SnapshotMetadata) {
        u64(m.index.rawValue)
        u64(m.term.rawValue)
        configuration(m.configuration)
    }
}

extension WireReader {
    public mutating func nodeID(_ field: String) throws(WireError) -> NodeID { NodeID(try string(field)) }

    public mutating func entry() throws(WireError) -> Entry {
        let term = Term(try u64("entry.term"))
        let index = LogIndex(try u64("entry.index"))
        let rawKind = try u8("entry.kind")
        guard let kind = EntryKind(rawValue: rawKind) else { throw .unknownTag(field: "entry.kind", value: rawKind) }
        let data = try blob("entry.data")
        return Entry(term: term, index: index, kind: kind, data: data)
    }

    public mutating func hardState() throws(WireError) -> HardState {
        let term = Term(try u64("hardState.term"))
        let present = try bool("hardState.votedFor present")
        let vote = present ? try nodeID("hardState.votedFor") : nil
        let commit = LogIndex(try u64("hardState.commit"))
        return HardState(term: term, votedFor: vote, commit: commit)
    }

    public mutating func configuration() throws(WireError) -> Configuration {
        var c = Configuration()
        let nv = try count("configuration.voters", minElementSize: 4)
        for _ in 0..<nv { c.voters.insert(try nodeID("configuration.voter")) }
        let nl = try count("configuration.learners", minElementSize: 4)
        for _ in 0..<nl { c.learners.insert(try nodeID("configuration.learner")) }
        let na = try count("configuration.addresses", minElementSize: 8)
        for _ in 0..<na {
            let node = try nodeID("configuration.address node")
            c.addresses[node] = try string("configuration.address")
        }
        return c
    }

    public mutating func snapshotMetadata() throws(WireError) -> SnapshotMetadata {
        let index = LogIndex(try u64("snapshot.index"))
        let term = Term(try u64("snapshot.term"))
        return SnapshotMetadata(index: index, term: term, configuration: try configuration())
    }
}

/// A `.configuration` entry's data is `ConfChange.encoded` (RaftCore owns and versions that
/// format); to this codec, as to storage, entry data is opaque bytes.
/// One-shot helpers for callers that hold a whole value's bytes (RaftStorage, tests, tools).
public enum RaftTypesCodec {
    public static func encode(_ e: Entry) -> [UInt8] {
        var w = WireWriter(capacity: 21 + e.data.count)
        w.entry(e)
        return w.bytes
    }
    public static func decodeEntry(_ bytes: [UInt8]) throws(WireError) -> Entry {
        var r = WireReader(bytes)
        let e = try r.entry()
        try r.expectEnd()
        return e
    }
}
