// The snapshot file format, which is also what travels in SnapshotChunks:
//   "RAFTSNP1" | metadata record | data record* | end record
// using RecordFraming (a checksum per record). Data records are opaque to us: the state
// machine's serializer emits them. The end record (count u64, total payload bytes u64) proves
// the file is complete: a file without it is torn and never chosen.
import WireCodec
import RaftCore

enum SnapshotFile {
    static let magic: [UInt8] = Array("RAFTSNP1".utf8)
    enum Tag: UInt8 {
        case metadata = 1
        case data = 2
        case end = 3
    }
}

/// Streams the data records of one snapshot file; validates as it goes.
public final class SnapshotReader {
    public let path: String
    public let metadata: SnapshotMetadata
    public let source: any SnapshotByteSource
    private let reader: RecordFileReader
    private var count: UInt64 = 0
    private var bytes: UInt64 = 0
    private var finished = false

    public convenience init(path: String) throws(StorageError) {
        try self.init(source: FileHandle(path: path, mode: .readOnly))
    }

    /// Reads a snapshot file's bytes from anywhere (a file, an image in memory).
    public init(source file: any SnapshotByteSource) throws(StorageError) {
        self.source = file
        self.path = file.name
        let path = file.name
        guard try file.read(count: SnapshotFile.magic.count, at: 0) == SnapshotFile.magic else {
            throw .invalidSnapshot(path: path, reason: "bad magic")
        }
        reader = RecordFileReader(file: file, startingAt: SnapshotFile.magic.count)
        guard let first = try reader.next(), first.type == SnapshotFile.Tag.metadata.rawValue else {
            throw .invalidSnapshot(path: path, reason: "missing metadata record")
        }
        do {
            var r = WireReader(first.payload)
            metadata = try r.snapshotMetadata()
            try r.expectEnd()
        } catch {
            throw .invalidSnapshot(path: path, reason: "undecodable metadata: \(error)")
        }
    }

    /// The next data record, or nil once the end record has been read and checked.
    public func next() throws(StorageError) -> [UInt8]? {
        if finished { return nil }
        guard let record = try reader.next() else {
            throw .invalidSnapshot(path: path, reason: "no end record (torn or incomplete file)")
        }
        switch SnapshotFile.Tag(rawValue: record.type) {
        case .data:
            count += 1
            bytes += UInt64(record.payload.count)
            return record.payload
        case .end:
            var r = WireReader(record.payload)
            let expectedCount = try? r.u64("end.count")
            let expectedBytes = try? r.u64("end.bytes")
            guard expectedCount == count, expectedBytes == bytes, r.remaining == 0 else {
                throw .invalidSnapshot(path: path, reason: "end record does not match the records read")
            }
            if try reader.readBytes(1) != nil {
                throw .invalidSnapshot(path: path, reason: "bytes after the end record at \(reader.offset - 1)")
            }
            finished = true
            return nil
        default:
            throw .invalidSnapshot(path: path, reason: "unexpected record type \(record.type) at byte \(record.offset)")
        }
    }

    /// Reads to the end, checking every record; returns the number of data records.
    @discardableResult
    public func validate() throws(StorageError) -> UInt64 {
        while try next() != nil {}
        return count
    }
}

/// Builds the bytes of a snapshot file incrementally: magic and metadata first, then the state
/// machine's byte stream packed into data records of at most `recordSize` bytes (so millions of
/// tiny writes cost a few large records, and one huge write never makes one huge record), then
/// the end record. `pending` holds what is not yet taken by the caller.
struct SnapshotEncoder {
    static let recordSize = 256 << 10
    var pending: [UInt8]
    private var packing: [UInt8] = []
    private(set) var count: UInt64 = 0
    private(set) var bytes: UInt64 = 0

    init(metadata: SnapshotMetadata) {
        pending = SnapshotFile.magic
        var w = WireWriter()
        w.snapshotMetadata(metadata)
        RecordFraming.append(type: SnapshotFile.Tag.metadata.rawValue, payload: w.bytes, to: &pending)
        packing.reserveCapacity(Self.recordSize)
    }

    /// Appends one opaque data record as given.
    mutating func appendRecord(_ record: [UInt8]) {
        RecordFraming.append(type: SnapshotFile.Tag.data.rawValue, payload: record, to: &pending)
        count += 1
        bytes += UInt64(record.count)
    }

    /// Appends bytes of the state machine's stream, packed into records.
    mutating func write(_ chunk: [UInt8]) {
        var start = 0
        while start < chunk.count {
            let take = min(Self.recordSize - packing.count, chunk.count - start)
            packing.append(contentsOf: chunk[start..<start + take])
            start += take
            if packing.count == Self.recordSize { flushPacking() }
        }
    }

    private mutating func flushPacking() {
        guard !packing.isEmpty else { return }
        appendRecord(packing)
        packing.removeAll(keepingCapacity: true)
    }

    /// Flushes the packing buffer and appends the end record.
    mutating func end() {
        flushPacking()
        var w = WireWriter()
        w.u64(count)
        w.u64(bytes)
        RecordFraming.append(type: SnapshotFile.Tag.end.rawValue, payload: w.bytes, to: &pending)
    }
}

/// Writes one snapshot into a temporary file; `finish()` makes it durable and visible atomically.
public final class SnapshotWriter {
    public let metadata: SnapshotMetadata
    let tempPath: String
    let finalPath: String
    private let store: SnapshotStore
    private var file: FileHandle?
    private var encoder: SnapshotEncoder
    private var written = 0

    init(store: SnapshotStore, metadata: SnapshotMetadata, tempPath: String, finalPath: String) throws(StorageError) {
        self.store = store
        self.metadata = metadata
        self.tempPath = tempPath
        self.finalPath = finalPath
        file = try FileHandle(path: tempPath, mode: .createNew)
        encoder = SnapshotEncoder(metadata: metadata)
    }

    /// Appends one opaque record from the state machine's serializer.
    public func append(_ record: [UInt8]) throws(StorageError) {
        guard file != nil else { throw .misuse("snapshot writer already finished") }
        encoder.appendRecord(record)
        if encoder.pending.count >= 1 << 20 { try flush() }
    }

    /// Appends bytes of the state machine's stream; they are packed into records of bounded size
    /// (a restore sees the same bytes, possibly split differently).
    public func write(_ bytes: [UInt8]) throws(StorageError) {
        guard file != nil else { throw .misuse("snapshot writer already finished") }
        encoder.write(bytes)
        if encoder.pending.count >= 1 << 20 { try flush() }
    }

    private func flush() throws(StorageError) {
        guard let file else { return }
        try file.write(encoder.pending, at: written)
        written += encoder.pending.count
        encoder.pending.removeAll(keepingCapacity: true)
    }

    /// Ends the file, fsyncs it, renames it into place and fsyncs the directory.
    public func finish() throws(StorageError) -> SnapshotInfo {
        guard let file else { throw .misuse("snapshot writer already finished") }
        encoder.end()
        try flush()
        if store.fsync == .always { try file.sync() }
        file.close()
        self.file = nil
        try FileSystem.rename(tempPath, finalPath)
        if store.fsync == .always { try FileSystem.syncDirectory(store.directory) }
        guard let info = SnapshotInfo(directory: store.directory, fileName: String(finalPath.split(separator: "/").last!), size: written) else {
            throw .misuse("unparsable snapshot name \(finalPath)")
        }
        return info
    }

    /// Drops the temporary file.
    public func abort() {
        file?.close()
        file = nil
        try? FileSystem.remove(tempPath)
    }
}
