// Random access to the bytes of one snapshot file, wherever it lives: a file on disk (a node with
// --data-dir, or an operator's -l file) or an image in memory (a node without a data directory).
// Readers, chunk senders and restores work on either, so both speak the same file format.
import WireCodec
import RaftCore

public protocol SnapshotByteSource: AnyObject {
    /// A path, or a description of where the bytes are (used in error messages).
    var name: String { get }
    func size() throws(StorageError) -> Int
    /// Up to `count` bytes at `offset`; fewer only at the end.
    func read(count: Int, at offset: Int) throws(StorageError) -> [UInt8]
}

extension FileHandle: SnapshotByteSource {
    var name: String { path }
}

public enum SnapshotFiles {
    /// Opens a snapshot file for reading. The descriptor stays valid if the file is later
    /// pruned (unlinked), so a transfer in progress is never cut short by a newer snapshot.
    public static func open(path: String) throws(StorageError) -> any SnapshotByteSource {
        try FileHandle(path: path, mode: .readOnly)
    }

    /// The chunk of `source` starting at `offset`, for sending to a follower.
    public static func chunk(of source: any SnapshotByteSource, metadata: SnapshotMetadata, offset: UInt64,
                             maxLength: Int = WireLimits.maxSnapshotChunk) throws(StorageError) -> SnapshotChunk {
        let total = try source.size()
        guard offset <= UInt64(total) else { throw .misuse("chunk offset \(offset) beyond the file's \(total) bytes") }
        let length = max(1, min(maxLength, WireLimits.maxSnapshotChunk))
        let bytes = try source.read(count: min(length, max(0, total - Int(offset))), at: Int(offset))
        return SnapshotChunk(snapshotIndex: metadata.index, snapshotTerm: metadata.term, offset: offset,
                             totalSize: UInt64(total), last: Int(offset) + bytes.count >= total, bytes: bytes)
    }
}

/// A complete snapshot file held in memory.
public final class SnapshotImage: SnapshotByteSource, @unchecked Sendable {
    public let bytes: [UInt8]
    public let name: String

    public init(bytes: [UInt8], name: String = "(snapshot in memory)") {
        self.bytes = bytes
        self.name = name
    }

    public func size() throws(StorageError) -> Int { bytes.count }

    public func read(count: Int, at offset: Int) throws(StorageError) -> [UInt8] {
        guard offset >= 0, offset <= bytes.count, count >= 0 else { return [] }
        return Array(bytes[offset..<min(bytes.count, offset + count)])
    }

    /// Encodes a snapshot in the file format: `write` receives a sink for the state machine's
    /// opaque byte stream (packed into data records as it arrives).
    public static func build(metadata: SnapshotMetadata, write: (_ sink: ([UInt8]) throws -> Void) throws -> Void) throws -> SnapshotImage {
        var encoder = SnapshotEncoder(metadata: metadata)
        try write { encoder.write($0) }
        encoder.end()
        return SnapshotImage(bytes: encoder.pending)
    }
}
