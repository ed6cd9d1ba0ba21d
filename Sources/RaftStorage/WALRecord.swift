// What a WAL segment holds. Entries and hard state use PeerWire's encodings (one byte format
// for the log on the wire and on disk).
import WireCodec
import RaftCore

enum WALRecord: Equatable {
    case entry(Entry)
    case hardState(HardState)
    /// Entries from `index` on are discarded (a conflicting suffix, §5.3).
    case truncate(LogIndex)
    /// A snapshot covering everything up to `metadata.index` is installed; `file` names it in
    /// the snapshot directory. Entries up to the index are no longer needed.
    case snapshot(SnapshotMetadata, file: String)

    enum Tag: UInt8 {
        case entry = 1
        case hardState = 2
        case truncate = 3
        case snapshot = 4
    }

    func append(to out: inout [UInt8]) {
        switch self {
        case .entry(let e):
            RecordFraming.append(type: Tag.entry.rawValue, to: &out) { $0.entry(e) }
        case .hardState(let h):
            RecordFraming.append(type: Tag.hardState.rawValue, to: &out) { $0.hardState(h) }
        case .truncate(let i):
            RecordFraming.append(type: Tag.truncate.rawValue, to: &out) { $0.u64(i.rawValue) }
        case .snapshot(let m, let file):
            RecordFraming.append(type: Tag.snapshot.rawValue, to: &out) {
                $0.snapshotMetadata(m)
                $0.string(file)
            }
        }
    }

    /// Decodes a record whose checksum already matched; a failure here means a bug or a record
    /// from a newer version, and is reported as corruption by the caller.
    static func decode(type: UInt8, payload: [UInt8]) throws(WireError) -> WALRecord {
        var r = WireReader(payload)
        return try decode(type: type, &r)
    }

    /// Decodes from a reader bounded to exactly the payload (no copy of the payload).
    static func decode(type: UInt8, _ r: inout WireReader) throws(WireError) -> WALRecord {
        guard let tag = Tag(rawValue: type) else { throw .unknownTag(field: "wal.record", value: type) }
        let record: WALRecord
        switch tag {
        case .entry: record = .entry(try r.entry())
        case .hardState: record = .hardState(try r.hardState())
        case .truncate: record = .truncate(LogIndex(try r.u64("truncate.index")))
        case .snapshot:
            let m = try r.snapshotMetadata()
            record = .snapshot(m, file: try r.string("snapshot.file"))
        }
        try r.expectEnd()
        return record
    }
}
