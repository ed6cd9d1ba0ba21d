import RaftCore
import Testing
@testable import RaftStorage

/// A tiny seeded generator, so a failing sequence replays from its seed.
private struct Rng {
    var state: UInt64
    mutating func next(_ bound: UInt64) -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return (z ^ (z >> 31)) % max(bound, 1)
    }
}

/// Random appends (extending and conflicting), truncations, hard states, snapshot markers,
/// compactions and reopenings, checked after every reopening against a plain in-memory model.
@Test(arguments: 0..<12 as Range<UInt64>)
func randomOperationsRecoverExactlyWhatTheModelHolds(seed: UInt64) throws {
    let dir = TempDir("model")
    defer { dir.cleanup() }
    let options = WALOptions(fsync: .never, segmentSize: 1500)
    var rng = Rng(state: seed)
    var wal = try WriteAheadLog.open(directory: dir.path, options: options).0
    var model: [Entry] = []
    var hardState = HardState()
    var snapshot: SnapshotMetadata?
    var term: UInt64 = 1
    var transcript: [String] = []
    func last() -> UInt64 { model.last?.index.rawValue ?? snapshot?.index.rawValue ?? 0 }
    func snapIndex() -> UInt64 { snapshot?.index.rawValue ?? 0 }

    for step in 0..<400 {
        switch rng.next(10) {
        case 0...4:  // append, possibly overwriting a suffix
            term += rng.next(2)
            let first = snapIndex() + 1 + rng.next(last() - snapIndex() + 1)
            let batch = entries(first...first + rng.next(6), term: term, size: Int(rng.next(40)))
            model.removeAll { $0.index.rawValue >= first }
            model += batch
            let hs = rng.next(2) == 0 ? HardState(term: Term(term), votedFor: NodeID("n\(rng.next(3))"), commit: LogIndex(rng.next(last() + 1))) : nil
            if let hs { hardState = hs }
            try wal.append(entries: batch, hardState: hs)
            transcript.append("append \(first)...\(batch.last!.index) t\(term)\(hs.map { " hs \($0.term)/\($0.commit)" } ?? "")")
        case 5 where last() > snapIndex():
            let from = snapIndex() + 1 + rng.next(last() - snapIndex())
            model.removeAll { $0.index.rawValue >= from }
            try wal.truncate(from: LogIndex(from))
            transcript.append("truncate \(from)")
        case 6 where last() > snapIndex():
            let at = snapIndex() + 1 + rng.next(last() - snapIndex())
            let meta = SnapshotMetadata(index: LogIndex(at), term: Term(term), configuration: Configuration(voters: ["n0", "n1"]))
            snapshot = meta
            model.removeAll { $0.index.rawValue <= at }
            try wal.recordSnapshot(meta, file: "snap-\(at)")
            try wal.sync()
            try wal.compact(upTo: meta.index)
            transcript.append("snapshot \(at) + compact")
        default:
            break
        }
        try wal.sync()
        if rng.next(8) == 0 || step == 399 {
            wal.close()
            let context = "seed \(seed) step \(step):\n" + transcript.suffix(12).joined(separator: "\n")
            let reopened: WriteAheadLog, log: RecoveredLog
            do {
                (reopened, log) = try WriteAheadLog.open(directory: dir.path, options: options)
            } catch {
                Issue.record("\(error)\n\(context)")
                return
            }
            #expect(log.entries == model, "\(context)")
            #expect(log.hardState == hardState, "\(context)")
            #expect(log.snapshot == snapshot, "\(context)")
            #expect(log.warnings.isEmpty, "\(context)")
            wal = reopened
            transcript.append("reopen")
        }
    }
}
