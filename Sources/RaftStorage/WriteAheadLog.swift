// The write-ahead log: segment files under a data directory, shaped for the etcd-style Ready
// loop. Each Ready batch is staged with `append(entries:hardState:)` (and markers), then made
// durable by ONE `sync()`: a single write and a single fsync for the whole batch (group
// commit). Only after `sync()` returns may the node send messagesAfterPersist (§5.1, Figure 2).
//
// Not thread-safe: one owner (the node's storage loop) calls it.
import WireCodec
import RaftCore

public struct WALOptions: Sendable {
    public var fsync: FsyncMode
    /// A segment rolls once it would grow past this size (one record may overshoot it).
    public var segmentSize: Int
    public init(fsync: FsyncMode = .always, segmentSize: Int = 64 << 20) {
        self.fsync = fsync
        self.segmentSize = segmentSize
    }
}

public final class WriteAheadLog {
    public let directory: String
    public let options: WALOptions

    struct SegmentInfo {
        var sequence: UInt64
        var path: String
        /// The highest entry index ever written into the segment (nil: none).
        var maxEntryIndex: LogIndex?
    }

    private var segments: [SegmentInfo] = []
    private var current: FileHandle
    /// Bytes of `current` already written to the file.
    private var currentSize: Int
    /// Records of the batch in progress, not yet written.
    private var staged: [UInt8] = []
    /// Segments rolled during this batch: written, awaiting their fsync in `sync()`.
    private var rolled: [FileHandle] = []
    private var directoryDirty = false

    private var lastIndex: LogIndex
    private var hardState: HardState
    private var snapshot: (SnapshotMetadata, String)?
    private var stagedSnapshotIndex: LogIndex = .zero
    /// The index of the newest snapshot marker that a completed `sync()` made durable.
    public private(set) var durableSnapshotIndex: LogIndex = .zero
    private var failure: StorageError?

    /// Opens (creating if needed) the log in `directory` and recovers it. A torn tail in the last
    /// segment is truncated and reported in `RecoveredLog.warnings`; any other damage throws.
    public static func open(directory: String, options: WALOptions = WALOptions()) throws(StorageError) -> (WriteAheadLog, RecoveredLog) {
        try FileSystem.createDirectory(directory)
        var replay = LogReplay()
        var infos: [SegmentInfo] = []
        let names = try FileSystem.list(directory).filter { Segment.sequence(fromFileName: $0) != nil }
        for (i, name) in names.enumerated() {
            let seq = Segment.sequence(fromFileName: name)!
            let path = FileSystem.join(directory, name)
            if let prev = infos.last, seq != prev.sequence + 1 {
                throw .missingSegment(path: path, expectedSequence: prev.sequence + 1)
            }
            let isLast = i == names.count - 1
            let file = try FileHandle(path: path, mode: isLast ? .readWrite : .readOnly)
            let bytes = try file.read(count: try file.size(), at: 0)
            var info = SegmentInfo(sequence: seq, path: path, maxEntryIndex: nil)
            let end = try Segment.scan(bytes, path: path, sequence: seq, isLast: isLast) { (record, offset) throws(StorageError) in
                if case .entry(let e) = record { info.maxEntryIndex = max(info.maxEntryIndex ?? e.index, e.index) }
                try replay.apply(record, path: path, offset: offset)
            }
            if case .tornTail(let offset, let reason) = end {
                replay.log.warnings.append("torn tail in \(path) at byte \(offset) (\(reason)): truncated \(bytes.count - offset) bytes")
                if offset == 0 {
                    // Not even the header made it: the segment never held anything.
                    file.close()
                    try FileSystem.remove(path)
                    if options.fsync == .always { try FileSystem.syncDirectory(directory) }
                    continue
                }
                try file.truncate(to: offset)
                if options.fsync == .always { try file.sync() }
            }
            infos.append(info)
        }
        let wal = try WriteAheadLog(directory: directory, options: options, segments: infos, recovered: replay.log)
        return (wal, replay.log)
    }

    private init(directory: String, options: WALOptions, segments: [SegmentInfo], recovered: RecoveredLog) throws(StorageError) {
        self.directory = directory
        self.options = options
        self.lastIndex = recovered.lastIndex
        self.hardState = recovered.hardState
        if let s = recovered.snapshot {
            snapshot = (s, recovered.snapshotFile ?? "")
            durableSnapshotIndex = s.index
        }
        if let last = segments.last {
            self.segments = segments
            current = try FileHandle(path: last.path, mode: .readWrite)
            currentSize = try current.size()
        } else {
            let seq: UInt64 = 1
            let path = FileSystem.join(directory, Segment.fileName(sequence: seq))
            current = try FileHandle(path: path, mode: .createNew)
            currentSize = 0
            staged = Segment.header(sequence: seq)
            directoryDirty = true
            self.segments = [SegmentInfo(sequence: seq, path: path, maxEntryIndex: nil)]
            try sync()
        }
    }

    // MARK: staging (no I/O until sync)

    /// Stages `entries` and, if given, `hardState`. If the first entry does not extend the log,
    /// a truncation marker is staged first: the conflicting suffix is discarded (§5.3).
    public func append(entries: [Entry], hardState: HardState? = nil) throws(StorageError) {
        if let failure { throw .failed(failure.description) }
        if let first = entries.first, first.index <= lastIndex {
            stage(.truncate(first.index))
        }
        for e in entries {
            stage(.entry(e))
            segments[segments.count - 1].maxEntryIndex = max(segments[segments.count - 1].maxEntryIndex ?? e.index, e.index)
            lastIndex = e.index
        }
        if let hardState {
            stage(.hardState(hardState))
            self.hardState = hardState
        }
    }

    /// Stages an explicit truncation: entries from `index` on are discarded.
    public func truncate(from index: LogIndex) throws(StorageError) {
        if let failure { throw .failed(failure.description) }
        stage(.truncate(index))
        lastIndex = min(lastIndex, index.previous)
    }

    /// Stages a snapshot marker: a snapshot covering up to `metadata.index` is stored in `file`
    /// (write the snapshot file durably first). After the next `sync()` it permits compaction.
    public func recordSnapshot(_ metadata: SnapshotMetadata, file: String) throws(StorageError) {
        if let failure { throw .failed(failure.description) }
        stage(.snapshot(metadata, file: file))
        snapshot = (metadata, file)
        stagedSnapshotIndex = max(stagedSnapshotIndex, metadata.index)
        lastIndex = max(lastIndex, metadata.index)
    }

    private func stage(_ record: WALRecord) {
        let before = staged.count
        record.append(to: &staged)
        let size = currentSize + staged.count
        // Roll at a record boundary once the segment is full; the record just staged opens the next one.
        if size > options.segmentSize && currentSize + before > Segment.headerSize {
            let tail = Array(staged[before...])
            staged.removeLast(staged.count - before)
            do {
                try roll()
            } catch {
                failure = error
            }
            staged.append(contentsOf: tail)
        }
    }

    /// Writes out what is staged for the full segment and starts the next one. A new segment
    /// opens with the current hard state and snapshot marker, so that compaction may delete
    /// any older segment without losing them.
    private func roll() throws(StorageError) {
        try current.write(staged, at: currentSize)
        staged.removeAll(keepingCapacity: true)
        rolled.append(current)
        let seq = segments[segments.count - 1].sequence + 1
        let path = FileSystem.join(directory, Segment.fileName(sequence: seq))
        current = try FileHandle(path: path, mode: .createNew)
        currentSize = 0
        directoryDirty = true
        segments.append(SegmentInfo(sequence: seq, path: path, maxEntryIndex: nil))
        staged = Segment.header(sequence: seq)
        WALRecord.hardState(hardState).append(to: &staged)
        if let (m, file) = snapshot { WALRecord.snapshot(m, file: file).append(to: &staged) }
    }

    /// Closes the current segment at a record boundary and starts the next (which opens with
    /// the hard state and snapshot marker). Called after a snapshot marker, so that the next
    /// `compact(upTo:)` can delete every segment the snapshot covers rather than leave a
    /// large current segment for recovery to read through. Durable at the next `sync()`.
    public func rollSegment() throws(StorageError) {
        if let failure { throw .failed(failure.description) }
        guard segments[segments.count - 1].maxEntryIndex != nil else { return }  // no entries to free
        do {
            try roll()
        } catch {
            failure = error
            throw error
        }
    }

    // MARK: durability

    /// Writes what is staged without an fsync: the bytes reach the page cache (they survive a
    /// killed process, not a power loss), and the next `sync()` makes them durable with the rest.
    /// For records nothing depends on yet, such as a hard state that only moves the commit index.
    public func flush() throws(StorageError) {
        if let failure { throw .failed(failure.description) }
        guard !staged.isEmpty else { return }
        do {
            try current.write(staged, at: currentSize)
            currentSize += staged.count
            staged.removeAll(keepingCapacity: staged.capacity <= 1 << 24)
        } catch {
            failure = error
            throw error
        }
    }

    /// Writes everything staged and makes it durable with one fsync (plus one per segment
    /// rolled in this batch, and one of the directory when a segment was created).
    /// With `FsyncMode.never` the data is written but not synced: UNSAFE across crashes.
    public func sync() throws(StorageError) {
        if let failure { throw .failed(failure.description) }
        do {
            try flush()
            if options.fsync == .always {
                for f in rolled { try f.sync() }
                try current.sync()
                if directoryDirty { try FileSystem.syncDirectory(directory) }
            }
            for f in rolled { f.close() }
            rolled.removeAll()
            directoryDirty = false
            durableSnapshotIndex = max(durableSnapshotIndex, stagedSnapshotIndex)
        } catch {
            // After a failed write or fsync the file's state is unknown (fsync errors may even
            // have dropped dirty pages): refuse further use; the node must restart and recover.
            failure = error
            throw error
        }
    }

    // MARK: compaction

    /// Deletes whole segments whose entries are all ≤ `index`, oldest first, never the segment
    /// being written. Allowed only up to a snapshot marker that is already durable (§7: the
    /// snapshot replaces the log prefix only once it is safely stored). Returns the deleted paths.
    @discardableResult
    public func compact(upTo index: LogIndex) throws(StorageError) -> [String] {
        if let failure { throw .failed(failure.description) }
        guard index <= durableSnapshotIndex else {
            throw .compactionBeyondSnapshot(requested: index.rawValue, durableSnapshot: durableSnapshotIndex.rawValue)
        }
        var removed: [String] = []
        while segments.count > 1, (segments[0].maxEntryIndex ?? .zero) <= index {
            try FileSystem.remove(segments[0].path)
            removed.append(segments[0].path)
            segments.removeFirst()
        }
        if !removed.isEmpty && options.fsync == .always { try FileSystem.syncDirectory(directory) }
        return removed
    }

    /// The segment files currently on disk, oldest first.
    public var segmentPaths: [String] { segments.map(\.path) }

    public func close() { current.close() }
}
