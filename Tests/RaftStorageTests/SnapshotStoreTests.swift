import Glibc
import PeerWire
import RaftCore
import Testing
@testable import RaftStorage

private let meta = SnapshotMetadata(index: 42, term: 7, configuration: Configuration(voters: ["a", "b", "c"], addresses: ["a": "127.0.0.1:5011"]))

private func records(_ n: Int, seed: Int = 0) -> [[UInt8]] {
    (0..<n).map { i in (0..<((i * 37 + seed) % 300)).map { UInt8(truncatingIfNeeded: $0 &* 31 &+ i &+ seed) } }
}

/// A clock that ticks one millisecond per call, so names never collide in a test.
private func ticking() -> () -> UInt64 {
    nonisolated(unsafe) var t: UInt64 = 1_700_000_000_000
    return { t += 1; return t }
}

private func write(_ store: SnapshotStore, _ m: SnapshotMetadata, _ body: [[UInt8]]) throws -> SnapshotInfo {
    let w = try store.beginWrite(metadata: m)
    for r in body { try w.append(r) }
    return try w.finish()
}

private func readAll(_ reader: SnapshotReader) throws -> [[UInt8]] {
    var out: [[UInt8]] = []
    while let r = try reader.next() { out.append(r) }
    return out
}

@Test func aSnapshotReadsBackItsMetadataAndRecordsInOrder() throws {
    let dir = TempDir("snap")
    defer { dir.cleanup() }
    let store = try SnapshotStore(directory: dir.path, node: "10.0.0.1:5010/x", now: ticking())
    let body = records(500) + [[]]
    let info = try write(store, meta, body)
    #expect(info.fileName.hasPrefix("raft_10.0.0.1_5010_x_1700000000001_42.dat"))
    #expect(info.node == "10.0.0.1_5010_x")
    #expect(info.index == 42)
    let reader = try store.open(info)
    #expect(reader.metadata == meta)
    #expect(try readAll(reader) == body)
    #expect(try store.list().map(\.fileName) == [info.fileName])
}

@Test func aTornSnapshotIsNeverChosen() throws {
    let dir = TempDir("snap")
    defer { dir.cleanup() }
    let store = try SnapshotStore(directory: dir.path, node: "n1", now: ticking())
    let good = try write(store, SnapshotMetadata(index: 10, term: 1, configuration: meta.configuration), records(20))
    let newer = try write(store, meta, records(20, seed: 3))
    let bytes = try readFile(newer.path)
    // Cut the newer file at a selection of offsets (every one would be slow-ish; ends matter most).
    for cut in [0, 4, 8, 9, 20, bytes.count / 2, bytes.count - 30, bytes.count - 1] {
        try writeFile(newer.path, Array(bytes[..<cut]))
        let (chosen, m, skipped) = try store.latestValid()
        #expect(chosen?.path == good.path, "cut at \(cut)")
        #expect(m?.index == 10)
        #expect(skipped.count == 1 && skipped[0].contains(newer.fileName))
    }
    // A flipped byte in the middle is equally refused.
    var flipped = bytes
    flipped[bytes.count / 2] ^= 0x10
    try writeFile(newer.path, flipped)
    #expect(try store.latestValid().snapshot?.path == good.path)
    try writeFile(newer.path, bytes)
    #expect(try store.latestValid().snapshot?.path == newer.path)
}

@Test func aTempFileLeftByACrashIsIgnoredAndRemoved() throws {
    let dir = TempDir("snap")
    defer { dir.cleanup() }
    let store = try SnapshotStore(directory: dir.path, node: "n1", now: ticking())
    let done = try write(store, meta, records(5))
    let w = try store.beginWrite(metadata: SnapshotMetadata(index: 99, term: 9, configuration: meta.configuration))
    for r in records(50) { try w.append(r) }
    // No finish(): the process "crashes" here.
    #expect(try store.list().map(\.path) == [done.path])
    #expect(try store.latestValid().snapshot?.path == done.path)
    #expect(try FileSystem.list(dir.path).contains { $0.hasSuffix(".tmp") })
    _ = try SnapshotStore(directory: dir.path, node: "n1")
    #expect(try !FileSystem.list(dir.path).contains { $0.hasSuffix(".tmp") })
}

@Test func pruneKeepsTheNewestSnapshotsUpToTheRetentionCount() throws {
    let dir = TempDir("snap")
    defer { dir.cleanup() }
    let store = try SnapshotStore(directory: dir.path, node: "n1", retain: 2, now: ticking())
    var infos: [SnapshotInfo] = []
    for i in 1...5 as ClosedRange<UInt64> {
        infos.append(try write(store, SnapshotMetadata(index: LogIndex(i * 10), term: 1, configuration: meta.configuration), records(3)))
    }
    // Another node's snapshot in the same directory is not ours to delete.
    let other = try SnapshotStore(directory: dir.path, node: "n2", now: ticking())
    let foreign = try write(other, meta, records(1))
    let removed = try store.prune()
    #expect(removed == infos.prefix(3).map(\.path))
    #expect(try store.list().map(\.path) == infos.suffix(2).map(\.path))
    #expect(try other.list().map(\.path) == [foreign.path])
}

@Test func aSnapshotSentInChunksIsReceivedIdentically() throws {
    let src = TempDir("snapsrc")
    let dst = TempDir("snapdst")
    defer { src.cleanup(); dst.cleanup() }
    let sender = try SnapshotStore(directory: src.path, node: "leader", now: ticking())
    let receiver = try SnapshotStore(directory: dst.path, node: "follower", now: ticking())
    let body = records(3000)
    let info = try write(sender, meta, body)
    #expect(info.size > 3 * 1000)
    let r = try receiver.beginReceive(metadata: meta)
    var offset: UInt64 = 0
    var chunks = 0
    while true {
        let chunk = try sender.chunk(of: info, metadata: meta, offset: offset, maxLength: 4096)
        // Through the wire codec, as it would travel.
        guard case .snapshotChunk(let decoded) = try FrameCodec.decode(FrameCodec.encode(.snapshotChunk(chunk))) else {
            Issue.record("not a chunk")
            return
        }
        try r.append(decoded)
        offset += UInt64(decoded.bytes.count)
        chunks += 1
        if decoded.last { break }
    }
    #expect(chunks == (info.size + 4095) / 4096)
    let installed = try r.finish()
    #expect(try readFile(installed.path) == readFile(info.path))
    #expect(try readAll(receiver.open(installed)) == body)
    #expect(try receiver.latestValid().snapshot == installed)
}

@Test func chunkedReceiveRejectsGapsForeignChunksAndBadContent() throws {
    let src = TempDir("snapsrc")
    let dst = TempDir("snapdst")
    defer { src.cleanup(); dst.cleanup() }
    let sender = try SnapshotStore(directory: src.path, node: "leader", now: ticking())
    let receiver = try SnapshotStore(directory: dst.path, node: "follower", now: ticking())
    let info = try write(sender, meta, records(100))
    let first = try sender.chunk(of: info, metadata: meta, offset: 0, maxLength: 1000)

    let r1 = try receiver.beginReceive(metadata: meta)
    try r1.append(first)
    #expect(throws: StorageError.self) { try r1.append(sender.chunk(of: info, metadata: meta, offset: 2000, maxLength: 1000)) }
    var foreign = try sender.chunk(of: info, metadata: meta, offset: 1000, maxLength: 1000)
    foreign.snapshotTerm = 99
    #expect(throws: StorageError.self) { try r1.append(foreign) }
    #expect(throws: StorageError.self) { _ = try r1.finish() }  // no last chunk yet
    r1.abort()

    // A complete transfer whose bytes were damaged in flight is refused at finish, and leaves nothing.
    let r2 = try receiver.beginReceive(metadata: meta)
    var offset: UInt64 = 0
    while true {
        var c = try sender.chunk(of: info, metadata: meta, offset: offset, maxLength: 1000)
        if offset == 3000 { c.bytes[10] ^= 0xFF }
        try r2.append(c)
        offset += UInt64(c.bytes.count)
        if c.last { break }
    }
    #expect(throws: StorageError.self) { _ = try r2.finish() }
    #expect(try FileSystem.list(dst.path).isEmpty)

    // A valid file for a different snapshot than announced is refused too.
    let other = SnapshotMetadata(index: 43, term: 7, configuration: meta.configuration)
    let r3 = try receiver.beginReceive(metadata: other)
    offset = 0
    while true {
        var c = try sender.chunk(of: info, metadata: meta, offset: offset, maxLength: 100_000)
        c.snapshotIndex = 43
        try r3.append(c)
        offset += UInt64(c.bytes.count)
        if c.last { break }
    }
    #expect(throws: StorageError.self) { _ = try r3.finish() }
    #expect(try receiver.latestValid().snapshot == nil)
}

@Test func snapshotsWorkWithFsyncNever() throws {
    let dir = TempDir("snap")
    defer { dir.cleanup() }
    let store = try SnapshotStore(directory: dir.path, node: "n1", fsync: .never, now: ticking())
    let info = try write(store, meta, records(10))
    #expect(try readAll(store.open(info)) == records(10))
}

@Test func aLargeSnapshotStreamsThroughBoundedBuffers() throws {
    let dir = TempDir("snap")
    defer { dir.cleanup() }
    let store = try SnapshotStore(directory: dir.path, node: "n1", fsync: .never, now: ticking())
    // 8 MiB in 64 KiB records: larger than the reader's 1 MiB block, so refills are exercised.
    let record = (0..<65536).map { UInt8(truncatingIfNeeded: $0 * 7) }
    let w = try store.beginWrite(metadata: meta)
    for i in 0..<128 { try w.append(record + [UInt8(i)]) }
    let info = try w.finish()
    let reader = try store.open(info)
    var n = 0
    while let r = try reader.next() {
        #expect(r.count == 65537 && r.last == UInt8(n))
        n += 1
    }
    #expect(n == 128)
}
