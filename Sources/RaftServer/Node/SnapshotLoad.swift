import RaftCore
import RaftStorage

/// `-l FILE` (pyraft's option): a snapshot file to start from, validated completely before
/// the node uses it. Its membership is kept when it names this node; otherwise (a snapshot
/// taken by another cluster) the command line's founding configuration replaces it, and the
/// node stores the snapshot under that metadata so it ships consistently to followers.
/// A pyraft checkpoint file is converted first (PyraftSnapshotConversion) and used as an image.
struct SnapshotLoad: Sendable {
    let path: String
    let metadata: SnapshotMetadata
    /// Whether the metadata differs from the file's (the configuration was replaced).
    let rewritten: Bool
    /// The converted snapshot when FILE was pyraft's; nil for this project's own files.
    let imported: SnapshotImage?
    /// What to log about a conversion (summary first), empty otherwise.
    let importNotes: [String]

    init(path: String, node: NodeID, initialConfiguration: Configuration) throws {
        if PyraftSnapshotConversion.isPyraft(path: path) {
            let converted = try PyraftSnapshotConversion.convert(path: path, configuration: initialConfiguration)
            self.path = path
            metadata = converted.metadata
            rewritten = false
            imported = converted.image
            importNotes = [converted.summary] + converted.notes
            return
        }
        imported = nil
        importNotes = []
        let reader: SnapshotReader
        do {
            reader = try SnapshotReader(path: path)
            try reader.validate()
        } catch {
            let e = error
            if case .io(_, _, let code) = e, code == ENOENT { throw NodeOptionError("-l \(path): no such file") }
            throw NodeOptionError("-l \(path) is not a usable snapshot: \(e)")
        }
        self.path = path
        var m = reader.metadata
        if !m.configuration.members.contains(node) {
            m.configuration = initialConfiguration
            rewritten = true
        } else {
            rewritten = false
        }
        metadata = m
    }

    func reader() throws -> SnapshotReader {
        if let imported { return try SnapshotReader(source: imported) }
        return try SnapshotReader(path: path)
    }

    /// The core's state: this snapshot, then the entries of `existing` that follow it (when
    /// they agree with it at its index), a term no lower than the snapshot's and a commit
    /// index at least the snapshot's. Returns how many existing entries were dropped.
    func restoredState(over existing: RaftRestoredState) -> (RaftRestoredState, dropped: Int) {
        var hs = existing.hardState
        if hs.term < metadata.term {
            hs.term = metadata.term
            hs.votedFor = nil
        }
        hs.commit = max(hs.commit, metadata.index)
        var entries: [Entry] = []
        if let at = existing.entries.firstIndex(where: { $0.index == metadata.index }), existing.entries[at].term == metadata.term {
            entries = Array(existing.entries[(at + 1)...])
        }
        let dropped = existing.entries.filter { $0.index > metadata.index }.count - entries.count
        return (RaftRestoredState(hardState: hs, snapshot: metadata, entries: entries), max(0, dropped))
    }

    /// In memory (no --data-dir): the file itself, or an image under the replaced metadata.
    func stored() throws -> StoredSnapshot {
        if let imported { return .memory(imported, metadata: metadata) }
        guard rewritten else { return .file(path: path, metadata: metadata) }
        let source = try reader()
        let image = try SnapshotImage.build(metadata: metadata) { sink in
            while let record = try source.next() { try sink(record) }
        }
        return .memory(image, metadata: metadata)
    }
}

extension SnapshotStore {
    /// Writes the records of `reader` into a new snapshot of this store under `metadata`.
    func copy(_ reader: SnapshotReader, as metadata: SnapshotMetadata) throws -> SnapshotInfo {
        let writer = try beginWrite(metadata: metadata)
        do {
            while let record = try reader.next() { try writer.append(record) }
            return try writer.finish()
        } catch {
            writer.abort()
            throw error
        }
    }
}

#if canImport(Glibc)
import Glibc
#endif
