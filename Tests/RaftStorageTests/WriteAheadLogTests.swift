import RaftCore
import Testing
@testable import RaftStorage

@Test func appendedEntriesAndHardStateSurviveReopen() throws {
    let dir = TempDir()
    defer { dir.cleanup() }
    let (wal, fresh) = try WriteAheadLog.open(directory: dir.path)
    #expect(fresh.entries.isEmpty && fresh.hardState == HardState() && fresh.warnings.isEmpty)
    let hs = HardState(term: 3, votedFor: "n☃2", commit: 7)
    try wal.append(entries: entries(1...10), hardState: hs)
    try wal.sync()
    wal.close()
    let (_, log) = try WriteAheadLog.open(directory: dir.path)
    #expect(log.entries == entries(1...10))
    #expect(log.hardState == hs)
    #expect(log.snapshot == nil)
    #expect(log.warnings.isEmpty)
}

@Test func stagedButUnsyncedRecordsAreNotWritten() throws {
    let dir = TempDir()
    defer { dir.cleanup() }
    let (wal, _) = try WriteAheadLog.open(directory: dir.path)
    try wal.append(entries: entries(1...3))
    try wal.sync()
    try wal.append(entries: entries(4...6), hardState: HardState(term: 9))
    wal.close()  // a crash before sync
    let (_, log) = try WriteAheadLog.open(directory: dir.path)
    #expect(log.entries == entries(1...3))
    #expect(log.hardState == HardState())
}

@Test func aFlushedCommitIndexIsWrittenWithoutASyncAndReadBack() throws {
    let dir = TempDir()
    defer { dir.cleanup() }
    let (wal, _) = try WriteAheadLog.open(directory: dir.path)
    try wal.append(entries: entries(1...3), hardState: HardState(term: 2, commit: 1))
    try wal.sync()
    try wal.append(entries: [], hardState: HardState(term: 2, commit: 3))
    try wal.flush()  // only the commit index moved: written, not synced
    wal.close()  // the process dies; the page cache keeps what was written
    let (reopened, log) = try WriteAheadLog.open(directory: dir.path)
    #expect(log.entries == entries(1...3))
    #expect(log.hardState == HardState(term: 2, commit: 3))
    // Appends after a flush continue the same file: nothing written twice, nothing lost.
    try reopened.append(entries: entries(4...4), hardState: HardState(term: 2, commit: 4))
    try reopened.sync()
    reopened.close()
    let (_, again) = try WriteAheadLog.open(directory: dir.path)
    #expect(again.entries == entries(1...4))
    #expect(again.hardState == HardState(term: 2, commit: 4))
    #expect(again.warnings.isEmpty)
}

@Test func conflictingSuffixAndExplicitTruncationSurviveReopen() throws {
    let dir = TempDir()
    defer { dir.cleanup() }
    let (wal, _) = try WriteAheadLog.open(directory: dir.path)
    try wal.append(entries: entries(1...10), hardState: HardState(term: 1, votedFor: "a", commit: 2))
    try wal.sync()
    // A new leader overwrites 6...10 with a shorter suffix of term 2.
    try wal.append(entries: entries(6...8, term: 2), hardState: HardState(term: 2, votedFor: "b", commit: 5))
    try wal.sync()
    wal.close()
    let (wal2, log) = try WriteAheadLog.open(directory: dir.path)
    #expect(log.entries == entries(1...5) + entries(6...8, term: 2))
    #expect(log.hardState == HardState(term: 2, votedFor: "b", commit: 5))
    try wal2.truncate(from: 4)
    try wal2.append(entries: entries(4...4, term: 3))
    try wal2.sync()
    wal2.close()
    let (_, log2) = try WriteAheadLog.open(directory: dir.path)
    #expect(log2.entries == entries(1...3) + entries(4...4, term: 3))
}

@Test func truncatingTheLastSegmentAtEveryByteRecoversExactlyTheCompleteRecords() throws {
    let dir = TempDir("torn")
    defer { dir.cleanup() }
    let all = entries(1...8, size: 10)
    let (wal, _) = try WriteAheadLog.open(directory: dir.path)
    try wal.append(entries: all)
    try wal.sync()
    let segment = wal.segmentPaths[0]
    wal.close()
    let full = try readFile(segment)
    let recordSize = entryRecordSize(dataSize: 10)
    #expect(full.count == Segment.headerSize + all.count * recordSize)

    for cut in 0..<full.count {
        let work = TempDir("cut")
        defer { work.cleanup() }
        let name = String(segment.split(separator: "/").last!)
        try writeFile(work.file(name), Array(full[..<cut]))
        // fsync off only to keep 500 reopenings quick; the repair path is the same.
        let (reopened, log) = try WriteAheadLog.open(directory: work.path, options: WALOptions(fsync: .never))
        let complete = cut < Segment.headerSize ? 0 : (cut - Segment.headerSize) / recordSize
        #expect(log.entries == Array(all.prefix(complete)), "cut at \(cut)")
        // An empty file is a segment whose creation was torn: also reported.
        let onBoundary = (cut >= Segment.headerSize && (cut - Segment.headerSize) % recordSize == 0)
        #expect(log.warnings.isEmpty == onBoundary, "cut at \(cut): \(log.warnings)")
        // The repaired log accepts new writes and reads back whole.
        try reopened.append(entries: entries(UInt64(complete + 1)...UInt64(complete + 1), term: 2))
        try reopened.sync()
        reopened.close()
        let (_, again) = try WriteAheadLog.open(directory: work.path, options: WALOptions(fsync: .never))
        #expect(again.entries == Array(all.prefix(complete)) + entries(UInt64(complete + 1)...UInt64(complete + 1), term: 2), "cut at \(cut)")
        #expect(again.warnings.isEmpty)
    }
}

@Test func aFlippedByteInAMiddleRecordIsAnErrorNamingFileAndOffset() throws {
    let dir = TempDir("flip")
    defer { dir.cleanup() }
    let (wal, _) = try WriteAheadLog.open(directory: dir.path)
    try wal.append(entries: entries(1...8))
    try wal.sync()
    let segment = wal.segmentPaths[0]
    wal.close()
    let original = try readFile(segment)
    let recordSize = entryRecordSize(dataSize: 10)
    for record in 0..<7 {  // every record but the last
        for within in [0, 5, 9, 12, 20, recordSize - 1] {
            var bytes = original
            let recordOffset = Segment.headerSize + record * recordSize
            bytes[recordOffset + within] ^= 0x40
            try writeFile(segment, bytes)
            let damage = try corruption { _ = try WriteAheadLog.open(directory: dir.path) }
            #expect(damage?.path == segment, "record \(record) byte \(within)")
            #expect(damage?.offset == recordOffset, "record \(record) byte \(within)")
        }
    }
}

@Test func damageInANonLastSegmentIsAnErrorEvenAtItsEnd() throws {
    let dir = TempDir("flip2")
    defer { dir.cleanup() }
    let (wal, _) = try WriteAheadLog.open(directory: dir.path, options: WALOptions(segmentSize: 300))
    for i in stride(from: 1 as UInt64, through: 40, by: 4) {
        try wal.append(entries: entries(i...i + 3))
        try wal.sync()
    }
    let first = wal.segmentPaths[0]
    #expect(wal.segmentPaths.count > 2)
    wal.close()
    var bytes = try readFile(first)
    let lastByte = bytes.count - 1
    bytes[lastByte] ^= 1
    try writeFile(first, bytes)
    let damage = try corruption { _ = try WriteAheadLog.open(directory: dir.path) }
    #expect(damage?.path == first)
    #expect(damage?.reason.contains("checksum") == true)
    // A whole truncated record at the end of a non-last segment is not a torn tail either.
    try writeFile(first, Array(bytes.dropLast(3)))
    #expect(throws: StorageError.self) { _ = try WriteAheadLog.open(directory: dir.path) }
}

@Test func segmentsRollAndCompactionNeedsADurableSnapshot() throws {
    let dir = TempDir("roll")
    defer { dir.cleanup() }
    let options = WALOptions(segmentSize: 4096)
    let (wal, _) = try WriteAheadLog.open(directory: dir.path, options: options)
    let hs = HardState(term: 4, votedFor: "x", commit: 100)
    try wal.append(entries: [], hardState: hs)
    for batch in 0..<50 as Range<UInt64> {
        try wal.append(entries: entries(batch * 10 + 1...batch * 10 + 10, term: 4))
        try wal.sync()
    }
    let before = wal.segmentPaths
    #expect(before.count >= 5)
    #expect(throws: StorageError.compactionBeyondSnapshot(requested: 300, durableSnapshot: 0)) { try wal.compact(upTo: 300) }
    let meta = SnapshotMetadata(index: 300, term: 4, configuration: Configuration(voters: ["x", "y", "z"]))
    try wal.recordSnapshot(meta, file: "raft_x_1_300.dat")
    // Staged but not durable: still refused.
    #expect(throws: StorageError.self) { try wal.compact(upTo: 300) }
    try wal.sync()
    let removed = try wal.compact(upTo: 300)
    #expect(!removed.isEmpty)
    #expect(removed == Array(before.prefix(removed.count)))
    #expect(wal.segmentPaths.count == before.count - removed.count)
    wal.close()

    let (_, log) = try WriteAheadLog.open(directory: dir.path, options: options)
    #expect(log.snapshot == meta)
    #expect(log.snapshotFile == "raft_x_1_300.dat")
    #expect(log.entries == entries(301...500, term: 4))
    // The hard state was written long before the deleted segments; each new segment carries it.
    #expect(log.hardState == hs)
}

@Test func fsyncNeverModeStillPersistsOnCleanClose() throws {
    let dir = TempDir("never")
    defer { dir.cleanup() }
    let options = WALOptions(fsync: .never, segmentSize: 2048)
    let (wal, _) = try WriteAheadLog.open(directory: dir.path, options: options)
    for i in 1...100 as ClosedRange<UInt64> {
        try wal.append(entries: entries(i...i), hardState: HardState(term: 1, commit: LogIndex(i)))
        try wal.sync()
    }
    #expect(wal.segmentPaths.count > 1)
    wal.close()
    let (_, log) = try WriteAheadLog.open(directory: dir.path, options: options)
    #expect(log.entries == entries(1...100))
    #expect(log.hardState.commit == 100)
}

@Test func aMissingMiddleSegmentIsReported() throws {
    let dir = TempDir("gap")
    defer { dir.cleanup() }
    let (wal, _) = try WriteAheadLog.open(directory: dir.path, options: WALOptions(segmentSize: 512))
    for i in 1...60 as ClosedRange<UInt64> {
        try wal.append(entries: entries(i...i))
        try wal.sync()
    }
    let paths = wal.segmentPaths
    wal.close()
    #expect(paths.count >= 3)
    try FileSystem.remove(paths[1])
    #expect(throws: StorageError.missingSegment(path: paths[2], expectedSequence: 2)) {
        _ = try WriteAheadLog.open(directory: dir.path)
    }
}

@Test func repeatedSnapshotsAndCompactionsRecoverTheLogAfterTheNewestSnapshot() throws {
    let dir = TempDir("compact2")
    defer { dir.cleanup() }
    let options = WALOptions(fsync: .never, segmentSize: 2048)
    var wal = try WriteAheadLog.open(directory: dir.path, options: options).0
    var index: UInt64 = 0
    for round in 1...4 as ClosedRange<UInt64> {
        for _ in 0..<100 {
            index += 1
            try wal.append(entries: entries(index...index, term: round), hardState: HardState(term: Term(round), commit: LogIndex(index)))
            try wal.sync()
        }
        let snap = SnapshotMetadata(index: LogIndex(index - 30), term: Term(round), configuration: Configuration(voters: ["a"]))
        try wal.recordSnapshot(snap, file: "s\(round)")
        try wal.sync()
        try wal.compact(upTo: snap.index)
        wal.close()
        let log = try WriteAheadLog.open(directory: dir.path, options: options).1
        #expect(log.snapshot == snap, "round \(round)")
        #expect(log.entries.map(\.index.rawValue) == Array(index - 29...index), "round \(round)")
        #expect(log.hardState.commit == LogIndex(index))
        wal = try WriteAheadLog.open(directory: dir.path, options: options).0
    }
}

@Test func rollingAfterASnapshotLetsCompactionFreeEveryCoveredSegment() throws {
    let dir = TempDir("rollsnap")
    defer { dir.cleanup() }
    let (wal, _) = try WriteAheadLog.open(directory: dir.path)  // default 64 MiB segments: one segment
    let hs = HardState(term: 2, votedFor: "a", commit: 200)
    try wal.append(entries: entries(1...200, term: 2), hardState: hs)
    try wal.sync()
    let meta = SnapshotMetadata(index: 200, term: 2, configuration: Configuration(voters: ["a"]))
    try wal.recordSnapshot(meta, file: "raft_a_1_200.dat")
    try wal.sync()
    #expect(try wal.compact(upTo: 200).isEmpty)  // the only segment is the one being written
    try wal.rollSegment()
    try wal.append(entries: entries(201...205, term: 2))
    try wal.sync()
    let removed = try wal.compact(upTo: 200)
    #expect(removed.count == 1)
    #expect(wal.segmentPaths.count == 1)
    try wal.rollSegment()  // the current segment holds 201...205: it rolls
    #expect(wal.segmentPaths.count == 2)
    try wal.rollSegment()  // now the current one is empty: nothing to roll
    #expect(wal.segmentPaths.count == 2)
    try wal.sync()
    wal.close()
    let (_, log) = try WriteAheadLog.open(directory: dir.path)
    #expect(log.snapshot == meta)
    #expect(log.hardState == hs)
    #expect(log.entries == entries(201...205, term: 2))
}
