// The snapshot shipping path end to end, below the sockets: a state machine writes its stream
// into a snapshot (file or memory image), the bytes travel as PeerWire chunk frames, a receiver
// reassembles and validates them, and a fresh state machine restores from the received file.
import Glibc
import KeyValueStore
import PeerWire
import RaftCore
import Testing
@testable import RaftStorage

private let meta = SnapshotMetadata(index: 900, term: 4, configuration: Configuration(voters: ["1", "2", "3"], addresses: ["1": "127.0.0.1:7380"]))
private let now: Int64 = 1_700_000_000_000

/// A store with plain keys, keys with deadlines, and values large enough to span chunks.
private func populatedMachine(keys: Int) -> KeyValueStateMachine {
    let m = KeyValueStateMachine()
    func run(_ words: [String]) {
        guard case .entry(let bytes) = m.prepare(words.map { Array($0.utf8) }, now: now) else {
            Issue.record("\(words) was not a write")
            return
        }
        _ = m.apply(bytes)
    }
    for i in 0..<keys {
        switch i % 3 {
        case 0: run(["SET", "k\(i)", "v\(i)"])
        case 1: run(["SET", "ttl\(i)", "t\(i)", "PX", "\(100_000 + i)"])
        default: run(["SET", "big\(i)", String(repeating: "x", count: 700 + i % 50)])
        }
    }
    return m
}

/// Every chunk of `source`, each through the frame encoder and decoder as it would travel.
private func ship(_ source: any SnapshotByteSource, maxLength: Int, into receiver: any SnapshotChunkReceiver, stopAfter: Int? = nil) throws -> Int {
    var offset: UInt64 = 0
    var n = 0
    while true {
        if let stopAfter, n == stopAfter { return n }
        let chunk = try SnapshotFiles.chunk(of: source, metadata: meta, offset: offset, maxLength: maxLength)
        guard case .snapshotChunk(let decoded) = try FrameCodec.decode(FrameCodec.encode(.snapshotChunk(chunk))) else {
            throw StorageError.misuse("not a chunk frame")
        }
        try receiver.append(decoded)
        offset += UInt64(decoded.bytes.count)
        n += 1
        if decoded.last { return n }
    }
}

private func restore(_ reader: RaftStorage.SnapshotReader) throws -> KeyValueStore {
    var restorer = SnapshotRestorer()
    while let record = try reader.next() { try restorer.feed(record) }
    return try restorer.finish()
}

@Test func aStoreShippedInChunksToADiskFollowerRestoresIdenticallyWithItsDeadlines() throws {
    let src = TempDir("ship-src"), dst = TempDir("ship-dst")
    defer { src.cleanup(); dst.cleanup() }
    let machine = populatedMachine(keys: 3000)
    let leader = try SnapshotStore(directory: src.path, node: "1")
    let writer = try leader.beginWrite(metadata: meta)
    try machine.store.writeSnapshot { try writer.write($0) }
    let info = try writer.finish()
    #expect(info.size > 700_000)  // many chunks of 64 KiB

    let follower = try SnapshotStore(directory: dst.path, node: "3")
    let receiver = try follower.beginReceive(metadata: meta)
    let chunks = try ship(SnapshotFiles.open(path: info.path), maxLength: 64 << 10, into: receiver)
    #expect(chunks == (info.size + (64 << 10) - 1) / (64 << 10))
    let installed = try receiver.finish()
    let restored = try restore(RaftStorage.SnapshotReader(path: installed.path))
    #expect(restored == machine.store)
    // The deadlines came along: a key with PX is still bounded, not persistent.
    let ttlKey = ByteKey(Array("ttl1".utf8))
    #expect(restored.record(ttlKey, now: now)?.expiresAt == now + 100_001)
    #expect(restored.liveCount(now: now + 200_000) < machine.store.liveCount(now: now))
}

@Test func aMemoryImageShippedToAMemoryFollowerRestoresIdentically() throws {
    let machine = populatedMachine(keys: 500)
    let image = try SnapshotImage.build(metadata: meta) { sink in try machine.store.writeSnapshot(to: sink) }
    let receiver = MemorySnapshotReceiver(metadata: meta)
    _ = try ship(image, maxLength: 4096, into: receiver)
    let received = try receiver.finish()
    #expect(received.bytes == image.bytes)
    #expect(try restore(RaftStorage.SnapshotReader(source: received)) == machine.store)
}

@Test func aTransferCutHalfwayIsDiscardedAndAFreshOneFromOffsetZeroInstalls() throws {
    let src = TempDir("ship-src"), dst = TempDir("ship-dst")
    defer { src.cleanup(); dst.cleanup() }
    let machine = populatedMachine(keys: 600)
    let image = try SnapshotImage.build(metadata: meta) { sink in try machine.store.writeSnapshot(to: sink) }
    let follower = try SnapshotStore(directory: dst.path, node: "3")
    let broken = try follower.beginReceive(metadata: meta)
    _ = try ship(image, maxLength: 8192, into: broken, stopAfter: 5)
    #expect(broken.isComplete == false)
    #expect(throws: StorageError.self) { _ = try broken.finish() }
    broken.abort()
    let again = try follower.beginReceive(metadata: meta)
    _ = try ship(image, maxLength: 8192, into: again)
    let installed = try again.finish()
    #expect(try FileSystem.list(dst.path) == [installed.fileName])
    #expect(try restore(RaftStorage.SnapshotReader(path: installed.path)) == machine.store)
}

@Test func aChunkDamagedInFlightIsCaughtBeforeInstallInMemoryToo() throws {
    let machine = populatedMachine(keys: 200)
    let image = try SnapshotImage.build(metadata: meta) { sink in try machine.store.writeSnapshot(to: sink) }
    let receiver = MemorySnapshotReceiver(metadata: meta)
    var offset: UInt64 = 0
    while true {
        var c = try SnapshotFiles.chunk(of: image, metadata: meta, offset: offset, maxLength: 1000)
        if offset == 5000 { c.bytes[17] ^= 0x40 }
        try receiver.append(c)
        offset += UInt64(c.bytes.count)
        if c.last { break }
    }
    #expect(throws: StorageError.self) { _ = try receiver.finish() }
}

@Test func manySmallWritesArePackedIntoFewRecordsAndReadBackAsTheSameStream() throws {
    var stream: [UInt8] = []
    let image = try SnapshotImage.build(metadata: meta) { sink in
        for i in 0..<200_000 {
            let piece = [UInt8(truncatingIfNeeded: i), UInt8(truncatingIfNeeded: i >> 8), 7]
            stream += piece
            try sink(piece)
        }
        let huge = [UInt8](repeating: 9, count: 3 << 20)  // one write larger than any record
        stream += huge
        try sink(huge)
    }
    let reader = try RaftStorage.SnapshotReader(source: image)
    var back: [UInt8] = []
    var records = 0
    while let r = try reader.next() {
        #expect(r.count <= SnapshotEncoder.recordSize)
        back += r
        records += 1
    }
    #expect(back == stream)
    #expect(records == (stream.count + SnapshotEncoder.recordSize - 1) / SnapshotEncoder.recordSize)
}

@Test func importingAFileValidatesItAndRefusesDamage() throws {
    let dir = TempDir("import")
    defer { dir.cleanup() }
    let machine = populatedMachine(keys: 300)
    let image = try SnapshotImage.build(metadata: meta) { sink in try machine.store.writeSnapshot(to: sink) }
    try writeFile(dir.file("good.dat"), image.bytes)
    var damaged = image.bytes
    damaged[damaged.count / 2] ^= 1
    try writeFile(dir.file("bad.dat"), damaged)
    let store = try SnapshotStore(directory: dir.path + "/snapshots", node: "9")
    let (info, m) = try store.importFile(dir.file("good.dat"))
    #expect(m == meta)
    #expect(try readFile(info.path) == image.bytes)
    #expect(throws: StorageError.self) { _ = try store.importFile(dir.file("bad.dat")) }
    #expect(throws: StorageError.self) { _ = try store.importFile(dir.file("missing.dat")) }
    #expect(try store.list().count == 1)
}

@Test func aSecondLockOnADataDirectoryIsRefusedNamingTheHolderUntilReleased() throws {
    let dir = TempDir("lock")
    defer { dir.cleanup() }
    let first = try DirectoryLock(directory: dir.path)
    let refusal = Result { () throws(StorageError) -> DirectoryLock in try DirectoryLock(directory: dir.path) }
    switch refusal {
    case .success: Issue.record("a second lock was granted")
    case .failure(let e):
        #expect(e == .locked(path: dir.file("LOCK"), holder: "pid \(getpid())"))
        #expect(e.description.contains("must not share a data directory"))
    }
    first.release()
    // Other tests of this process spawn children: a child between fork and exec briefly shares
    // every descriptor (O_CLOEXEC closes it only at exec), and with it the flock. So the lock
    // must come free, but may take a moment; bounded at 2 s.
    var second: DirectoryLock? = nil
    for _ in 0..<100 where second == nil {
        second = try? DirectoryLock(directory: dir.path)
        if second == nil { usleep(20_000) }
    }
    #expect(second != nil, "the released lock was never granted again")
    second?.release()
}

/// What a follower does after its connection broke mid-transfer (SnapshotShipping): it keeps the
/// receiver, the leader starts over from offset 0 until it hears the follower's offset, and the
/// chunks the follower already holds are cut down to what is new (`SnapshotChunk.suffix`).
@Test func aTransferCutHalfwayGoesOnFromTheReceiversOffsetAndSkipsWhatItHolds() throws {
    let src = TempDir("ship-src"), dst = TempDir("ship-dst")
    defer { src.cleanup(); dst.cleanup() }
    let machine = populatedMachine(keys: 600)
    let image = try SnapshotImage.build(metadata: meta) { sink in try machine.store.writeSnapshot(to: sink) }
    let follower = try SnapshotStore(directory: dst.path, node: "3")
    let receiver = try follower.beginReceive(metadata: meta)
    _ = try ship(image, maxLength: 8192, into: receiver, stopAfter: 5)
    let held = receiver.receivedBytes
    #expect(held == 5 * 8192)

    // The leader's new attempt: its first chunks (sent before the resume reached it) overlap what
    // is held; one straddles the offset, as after a resume that chunk sizes do not divide.
    var sent = 0
    for (offset, length) in [(0, 8192), (8192, 8192), (36_000, 8192)] {
        let c = try SnapshotFiles.chunk(of: image, metadata: meta, offset: UInt64(offset), maxLength: length)
        if let fresh = c.suffix(from: receiver.receivedBytes) {
            try receiver.append(fresh)
            sent += fresh.bytes.count
        }
    }
    #expect(receiver.receivedBytes == 36_000 + 8192)
    #expect(sent == 36_000 + 8192 - Int(held))
    // Then the rest from the follower's offset.
    var offset = receiver.receivedBytes
    while !receiver.isComplete {
        let c = try SnapshotFiles.chunk(of: image, metadata: meta, offset: offset, maxLength: 8192)
        try receiver.append(c)
        offset += UInt64(c.bytes.count)
    }
    let installed = try receiver.finish()
    #expect(try restore(RaftStorage.SnapshotReader(path: installed.path)) == machine.store)
}

@Test func aChunkWhollyBelowTheOffsetHasNoSuffixAndOneAboveIsUnchanged() {
    let c = SnapshotChunk(snapshotIndex: 9, snapshotTerm: 2, offset: 100, totalSize: 400, last: false, bytes: Array(repeating: 7, count: 100))
    #expect(c.suffix(from: 200) == nil)
    #expect(c.suffix(from: 500) == nil)
    #expect(c.suffix(from: 100) == c)
    #expect(c.suffix(from: 0) == c)
    let tail = c.suffix(from: 150)
    #expect(tail?.offset == 150)
    #expect(tail?.bytes.count == 50)
    #expect(tail?.totalSize == 400)
    #expect(tail?.last == false)
}
