import RaftCore
import RaftStorage

/// A complete, validated snapshot in RaftStorage's file format: what the node restores from
/// and what it ships to a follower behind the compacted log (§7). On disk for a node with
/// --data-dir (or an operator's -l file), in memory otherwise.
enum StoredSnapshot: @unchecked Sendable {
    case file(path: String, metadata: SnapshotMetadata)
    case memory(SnapshotImage, metadata: SnapshotMetadata)

    var metadata: SnapshotMetadata {
        switch self {
        case .file(_, let m), .memory(_, let m): m
        }
    }

    var location: String {
        switch self {
        case .file(let path, _): path
        case .memory(let image, _): image.name
        }
    }

    /// Opens the bytes for reading (a file descriptor survives the file's later pruning).
    func open() throws -> any SnapshotByteSource {
        switch self {
        case .file(let path, _): try SnapshotFiles.open(path: path)
        case .memory(let image, _): image
        }
    }

    func reader() throws -> SnapshotReader { try SnapshotReader(source: open()) }
}
