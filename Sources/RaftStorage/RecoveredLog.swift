// What recovery hands back to the node: the shape of RaftCore's restored state.
import RaftCore

public struct RecoveredLog: Sendable {
    /// The last hard state written (zero state on a fresh log).
    public var hardState: HardState
    /// The latest snapshot marker in the log, if any.
    public var snapshot: SnapshotMetadata?
    /// The snapshot file that marker names (a path in the snapshot directory), if any.
    public var snapshotFile: String?
    /// The log after the snapshot: contiguous, first index = snapshot index + 1 (or wherever
    /// the oldest kept segment starts when there is no snapshot).
    public var entries: [Entry]
    /// Things the node should log: a torn tail that was truncated, for example.
    public var warnings: [String]

    public init(hardState: HardState = HardState(), snapshot: SnapshotMetadata? = nil, snapshotFile: String? = nil,
                entries: [Entry] = [], warnings: [String] = []) {
        self.hardState = hardState
        self.snapshot = snapshot
        self.snapshotFile = snapshotFile
        self.entries = entries
        self.warnings = warnings
    }

    public var lastIndex: LogIndex { entries.last?.index ?? snapshot?.index ?? .zero }
}

/// Applies WAL records in order, as the node applied them when it wrote them.
struct LogReplay {
    var log = RecoveredLog()

    mutating func apply(_ record: WALRecord, path: String, offset: Int) throws(StorageError) {
        switch record {
        case .hardState(let h):
            log.hardState = h
        case .snapshot(let m, let file):
            log.snapshot = m
            log.snapshotFile = file
            discard(through: m.index)
        case .truncate(let i):
            discard(from: i)
        case .entry(let e):
            if let s = log.snapshot, e.index <= s.index { return }  // covered by the snapshot
            if let first = log.entries.first {
                let expected = log.lastIndex.next
                if e.index > expected {
                    throw .logGap(path: path, offset: offset, expected: expected.rawValue, found: e.index.rawValue)
                }
                if e.index < first.index {
                    log.entries.removeAll()
                } else if e.index < expected {
                    // An overwrite without an explicit marker: the newer record wins (§5.3).
                    discard(from: e.index)
                }
            } else if let s = log.snapshot, e.index != s.index.next {
                throw .logGap(path: path, offset: offset, expected: s.index.next.rawValue, found: e.index.rawValue)
            }
            log.entries.append(e)
        }
    }

    private mutating func discard(from i: LogIndex) {
        guard let first = log.entries.first?.index else { return }
        if i <= first {
            log.entries.removeAll()
        } else if i <= log.entries.last!.index {
            log.entries.removeLast(Int(log.entries.last!.index.rawValue - i.rawValue) + 1)
        }
    }

    private mutating func discard(through i: LogIndex) {
        guard let first = log.entries.first?.index, i >= first else { return }
        if i >= log.entries.last!.index {
            log.entries.removeAll()
        } else {
            log.entries.removeFirst(Int(i.rawValue - first.rawValue) + 1)
        }
    }
}
