// Receives a snapshot file in chunks from the leader (before the InstallSnapshot message that
// announces it, §7) and installs it only after checking every chunk's place and the whole
// file's contents. `SnapshotReceiver` writes a temporary file in the snapshot directory;
// `MemorySnapshotReceiver` (a node without a data directory) keeps the bytes in memory.
import WireCodec
import RaftCore

/// The checks every chunk passes, wherever the bytes go: same snapshot, contiguous offsets,
/// bounded size, consistent total, nothing after the last.
struct ChunkSequence {
    let metadata: SnapshotMetadata
    private(set) var received: UInt64 = 0
    private(set) var totalSize: UInt64?
    private(set) var sawLast = false

    init(metadata: SnapshotMetadata) { self.metadata = metadata }

    /// Checks `chunk`; the caller stores its bytes at `received` (before the call) and then calls `accepted`.
    func check(_ chunk: SnapshotChunk) throws(StorageError) {
        guard !sawLast else { throw .misuse("chunk after the last chunk") }
        guard chunk.snapshotIndex == metadata.index, chunk.snapshotTerm == metadata.term else {
            throw .misuse("chunk for snapshot \(chunk.snapshotIndex)/\(chunk.snapshotTerm), expected \(metadata.index)/\(metadata.term)")
        }
        guard chunk.offset == received else {
            throw .misuse("chunk at offset \(chunk.offset), expected \(received)")
        }
        guard chunk.bytes.count <= WireLimits.maxSnapshotChunk else { throw .misuse("chunk larger than \(WireLimits.maxSnapshotChunk) bytes") }
        if let total = chunk.totalSize {
            if let known = totalSize, known != total { throw .misuse("total size changed from \(known) to \(total)") }
            if received + UInt64(chunk.bytes.count) > total { throw .misuse("chunk runs past the announced total size \(total)") }
            if chunk.last && received + UInt64(chunk.bytes.count) != total {
                throw .misuse("last chunk ends at \(received + UInt64(chunk.bytes.count)) bytes, announced \(total)")
            }
        }
    }

    mutating func accepted(_ chunk: SnapshotChunk) {
        if let total = chunk.totalSize { totalSize = total }
        received += UInt64(chunk.bytes.count)
        if chunk.last { sawLast = true }
    }
}

/// What the node needs of either receiver while chunks arrive.
public protocol SnapshotChunkReceiver: AnyObject {
    var metadata: SnapshotMetadata { get }
    var receivedBytes: UInt64 { get }
    var isComplete: Bool { get }
    func append(_ chunk: SnapshotChunk) throws(StorageError)
    func abort()
}

public final class SnapshotReceiver: SnapshotChunkReceiver {
    public let metadata: SnapshotMetadata
    let tempPath: String
    let finalPath: String
    private let store: SnapshotStore
    private var file: FileHandle?
    private var sequence: ChunkSequence

    init(store: SnapshotStore, metadata: SnapshotMetadata, tempPath: String, finalPath: String) throws(StorageError) {
        self.store = store
        self.metadata = metadata
        self.tempPath = tempPath
        self.finalPath = finalPath
        self.sequence = ChunkSequence(metadata: metadata)
        file = try FileHandle(path: tempPath, mode: .createNew)
    }

    public var receivedBytes: UInt64 { sequence.received }
    public var isComplete: Bool { sequence.sawLast }

    /// Writes one chunk. Chunks must belong to this snapshot and arrive in order without gaps.
    public func append(_ chunk: SnapshotChunk) throws(StorageError) {
        guard let file else { throw .misuse("snapshot receiver already finished") }
        try sequence.check(chunk)
        try file.write(chunk.bytes, at: Int(sequence.received))
        sequence.accepted(chunk)
    }

    /// Validates the received file (every record, the end record, the metadata matching the
    /// InstallSnapshot message), then syncs and renames it into place. On failure the temp
    /// file is removed and the error thrown.
    public func finish() throws(StorageError) -> SnapshotInfo {
        guard let file else { throw .misuse("snapshot receiver already finished") }
        guard sequence.sawLast else { throw .misuse("finish before the last chunk") }
        do throws(StorageError) {
            let reader = try SnapshotReader(path: tempPath)
            guard reader.metadata == metadata else {
                throw StorageError.invalidSnapshot(path: tempPath, reason: "file metadata \(reader.metadata.index)/\(reader.metadata.term) differs from InstallSnapshot \(metadata.index)/\(metadata.term)")
            }
            try reader.validate()
            if store.fsync == .always { try file.sync() }
            file.close()
            self.file = nil
            try FileSystem.rename(tempPath, finalPath)
            if store.fsync == .always { try FileSystem.syncDirectory(store.directory) }
        } catch {
            abort()
            throw error
        }
        guard let info = SnapshotInfo(directory: store.directory, fileName: String(finalPath.split(separator: "/").last!), size: Int(sequence.received)) else {
            throw .misuse("unparsable snapshot name \(finalPath)")
        }
        return info
    }

    public func abort() {
        file?.close()
        file = nil
        try? FileSystem.remove(tempPath)
    }
}

/// Receives into memory, with the same checks and the same validation at the end.
public final class MemorySnapshotReceiver: SnapshotChunkReceiver {
    public let metadata: SnapshotMetadata
    private var bytes: [UInt8] = []
    private var sequence: ChunkSequence
    private var done = false

    public init(metadata: SnapshotMetadata) {
        self.metadata = metadata
        self.sequence = ChunkSequence(metadata: metadata)
    }

    public var receivedBytes: UInt64 { sequence.received }
    public var isComplete: Bool { sequence.sawLast }

    public func append(_ chunk: SnapshotChunk) throws(StorageError) {
        guard !done else { throw .misuse("snapshot receiver already finished") }
        try sequence.check(chunk)
        if let total = chunk.totalSize, bytes.isEmpty, total <= 256 << 20 { bytes.reserveCapacity(Int(total)) }  // trust a peer's size only so far
        bytes.append(contentsOf: chunk.bytes)
        sequence.accepted(chunk)
    }

    /// Validates every record and the metadata; returns the image.
    public func finish() throws(StorageError) -> SnapshotImage {
        guard !done else { throw .misuse("snapshot receiver already finished") }
        guard sequence.sawLast else { throw .misuse("finish before the last chunk") }
        done = true
        let image = SnapshotImage(bytes: bytes, name: "(snapshot \(metadata.index)/\(metadata.term) received in memory)")
        bytes = []
        let reader = try SnapshotReader(source: image)
        guard reader.metadata == metadata else {
            throw StorageError.invalidSnapshot(path: image.name, reason: "file metadata \(reader.metadata.index)/\(reader.metadata.term) differs from InstallSnapshot \(metadata.index)/\(metadata.term)")
        }
        try reader.validate()
        return image
    }

    public func abort() {
        done = true
        bytes = []
    }
}
