// Receives a snapshot file in chunks from the leader (beside an InstallSnapshot message, §7)
// and installs it only after checking every chunk's place and the whole file's contents.
import PeerWire
import RaftCore

public final class SnapshotReceiver {
    public let metadata: SnapshotMetadata
    let tempPath: String
    let finalPath: String
    private let store: SnapshotStore
    private var file: FileHandle?
    private var received: UInt64 = 0
    private var totalSize: UInt64?
    private var sawLast = false

    init(store: SnapshotStore, metadata: SnapshotMetadata, tempPath: String, finalPath: String) throws(StorageError) {
        self.store = store
        self.metadata = metadata
        self.tempPath = tempPath
        self.finalPath = finalPath
        file = try FileHandle(path: tempPath, mode: .createNew)
    }

    public var receivedBytes: UInt64 { received }

    /// Writes one chunk. Chunks must belong to this snapshot and arrive in order without gaps.
    public func append(_ chunk: SnapshotChunk) throws(StorageError) {
        guard let file else { throw .misuse("snapshot receiver already finished") }
        guard !sawLast else { throw .misuse("chunk after the last chunk") }
        guard chunk.snapshotIndex == metadata.index, chunk.snapshotTerm == metadata.term else {
            throw .misuse("chunk for snapshot \(chunk.snapshotIndex)/\(chunk.snapshotTerm), expected \(metadata.index)/\(metadata.term)")
        }
        guard chunk.offset == received else {
            throw .misuse("chunk at offset \(chunk.offset), expected \(received)")
        }
        guard chunk.bytes.count <= PeerWire.maxSnapshotChunk else { throw .misuse("chunk larger than \(PeerWire.maxSnapshotChunk) bytes") }
        if let total = chunk.totalSize {
            if let known = totalSize, known != total { throw .misuse("total size changed from \(known) to \(total)") }
            totalSize = total
            if received + UInt64(chunk.bytes.count) > total { throw .misuse("chunk runs past the announced total size \(total)") }
        }
        try file.write(chunk.bytes, at: Int(received))
        received += UInt64(chunk.bytes.count)
        if chunk.last {
            if let total = totalSize, total != received { throw .misuse("last chunk at \(received) bytes, announced \(total)") }
            sawLast = true
        }
    }

    /// Validates the received file (every record, the end record, the metadata matching the
    /// InstallSnapshot message), then syncs and renames it into place. On failure the temp
    /// file is removed and the error thrown.
    public func finish() throws(StorageError) -> SnapshotInfo {
        guard let file else { throw .misuse("snapshot receiver already finished") }
        guard sawLast else { throw .misuse("finish before the last chunk") }
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
        guard let info = SnapshotInfo(directory: store.directory, fileName: String(finalPath.split(separator: "/").last!), size: Int(received)) else {
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
