// The replicated log as the core sees it: a snapshot boundary followed by entries, with the
// marks that say what is committed, handed to the shell to persist, durable, and handed out to apply.

struct RaftLog: Sendable {
    /// The last index and term covered by the snapshot (0/0 when there is none).
    private(set) var snapshotIndex: LogIndex = .zero
    private(set) var snapshotTerm: Term = .zero
    /// Invariant: entries[i].index == snapshotIndex + 1 + i.
    private(set) var entries: [Entry] = []
    /// Highest index known committed (§5.3). Never decreases.
    private(set) var committed: LogIndex = .zero
    /// Highest index handed to the shell to apply (or covered by an installed snapshot).
    var handedOut: LogIndex = .zero
    /// First index not yet handed to the shell in a Ready; the next Ready starts here.
    var unstableFrom: LogIndex = LogIndex(1)
    /// Highest index known durable (the shell called advance()).
    var persisted: LogIndex = .zero

    var firstIndex: LogIndex { snapshotIndex.next }
    var lastIndex: LogIndex { LogIndex(snapshotIndex.rawValue + UInt64(entries.count)) }
    var lastTerm: Term { entries.last?.term ?? snapshotTerm }

    init() {}

    /// Restores the log from stable storage: everything restored is already durable.
    init(snapshot: SnapshotMetadata?, entries restored: [Entry], commit: LogIndex) {
        if let s = snapshot {
            snapshotIndex = s.index
            snapshotTerm = s.term
        }
        // Keep only the contiguous run that starts right after the snapshot; anything else is
        // not a log this core can trust.
        var expected = snapshotIndex.next
        for e in restored {
            guard e.index == expected else { break }
            entries.append(e)
            expected = expected.next
        }
        committed = max(snapshotIndex, min(commit, lastIndex))
        handedOut = snapshotIndex
        persisted = lastIndex
        unstableFrom = lastIndex.next
    }

    /// The term of the entry at `index`, or nil when it is compacted away or beyond the end.
    func term(at index: LogIndex) -> Term? {
        if index == snapshotIndex { return snapshotTerm }
        guard index > snapshotIndex, index <= lastIndex else { return nil }
        return entries[Int(index.rawValue - snapshotIndex.rawValue - 1)].term
    }

    func entry(at index: LogIndex) -> Entry? {
        guard index > snapshotIndex, index <= lastIndex else { return nil }
        return entries[Int(index.rawValue - snapshotIndex.rawValue - 1)]
    }

    func matchTerm(_ index: LogIndex, _ term: Term) -> Bool { self.term(at: index) == term }

    /// §5.4.1: "If the logs have last entries with different terms, then the log with the later
    /// term is more up-to-date. If the logs end with the same term, then whichever log is longer
    /// is more up-to-date."
    func isUpToDate(lastIndex candidateIndex: LogIndex, lastTerm candidateTerm: Term) -> Bool {
        candidateTerm > lastTerm || (candidateTerm == lastTerm && candidateIndex >= lastIndex)
    }

    /// Entries from `from` on, at most `maxCount` and about `maxBytes` (always at least one when
    /// any exist); nil if `from` is compacted away.
    func slice(from: LogIndex, maxCount: Int, maxBytes: Int) -> [Entry]? {
        guard from > snapshotIndex else { return nil }
        guard from <= lastIndex else { return [] }
        let start = Int(from.rawValue - snapshotIndex.rawValue - 1)
        var end = start
        var bytes = 0
        while end < entries.count, end - start < maxCount {
            bytes += entries[end].data.count
            if end > start, bytes > maxBytes { break }
            end += 1
        }
        return Array(entries[start..<end])
    }

    /// The first index at or before `index` whose entry has term `term` and whose predecessor
    /// does not (for the follower's conflict hint, §5.3), never below the first stored index.
    func firstIndex(ofTermAt index: LogIndex) -> LogIndex {
        guard let t = term(at: index) else { return index }
        var i = index
        while i > firstIndex, term(at: i.previous) == t { i = i.previous }
        return i
    }

    /// The last index whose entry has term `term`, if the log holds any (leader side of the hint).
    func lastIndex(ofTerm t: Term) -> LogIndex? {
        var i = lastIndex
        while i >= firstIndex, i > .zero {
            guard let ti = term(at: i) else { return nil }
            if ti == t { return i }
            if ti < t { return nil }
            i = i.previous
        }
        return nil
    }

    /// Leader path: append fresh entries at the end.
    mutating func append(_ new: [Entry]) {
        entries.append(contentsOf: new)
    }

    /// Follower path (§5.3, AppendEntries receiver rules 2-4): if the log holds `prevIndex` with
    /// `prevTerm`, delete a conflicting suffix and append what is new; returns the index of the
    /// last new entry, or nil when the consistency check fails. `truncatedFrom` reports the first
    /// index removed, so the caller can rewind anything derived from the suffix.
    mutating func maybeAppend(prevIndex: LogIndex, prevTerm: Term, entries new: [Entry], truncatedFrom: inout LogIndex?) -> LogIndex? {
        guard matchTerm(prevIndex, prevTerm) else { return nil }
        let lastNew = LogIndex(prevIndex.rawValue + UInt64(new.count))
        // Find the first entry that is not already present with the same term.
        var firstNew: Int? = nil
        for (k, e) in new.enumerated() where term(at: e.index) != e.term {
            firstNew = k
            break
        }
        guard let k = firstNew else { return lastNew }
        let at = new[k].index
        // Never truncate committed entries: a leader that asks for it breaks Leader Completeness.
        guard at > committed else { return nil }
        if at <= lastIndex {
            truncate(from: at)
            truncatedFrom = at
        }
        entries.append(contentsOf: new[k...])
        return lastNew
    }

    /// Drops entries from `index` on (a conflicting suffix); rewinds the persistence marks.
    mutating func truncate(from index: LogIndex) {
        guard index > snapshotIndex, index <= lastIndex else { return }
        entries.removeSubrange(Int(index.rawValue - snapshotIndex.rawValue - 1)...)
        unstableFrom = min(unstableFrom, index)
        persisted = min(persisted, index.previous)
    }

    mutating func commit(to index: LogIndex) {
        if index > committed { committed = min(index, lastIndex) }
    }

    /// Drops entries up to `index` (covered by a snapshot the shell took).
    mutating func compact(to index: LogIndex) {
        guard index > snapshotIndex, index <= lastIndex, let t = term(at: index) else { return }
        // A fresh array, not removeFirst: that keeps the buffer's capacity, so a log that once
        // held a long stretch between snapshots (a write burst while one was being written)
        // would keep that much memory for good.
        entries = Array(entries[Int(index.rawValue - snapshotIndex.rawValue)...])
        snapshotIndex = index
        snapshotTerm = t
    }

    /// Replaces the whole log with a snapshot received from the leader (§7).
    mutating func restore(_ s: SnapshotMetadata) {
        snapshotIndex = s.index
        snapshotTerm = s.term
        entries = []
        committed = s.index
        handedOut = s.index
        unstableFrom = s.index.next
        persisted = min(persisted, s.index)
    }

    var hasUnstable: Bool { unstableFrom <= lastIndex }
    var unstableEntries: [Entry] {
        guard unstableFrom <= lastIndex else { return [] }
        return Array(entries[Int(unstableFrom.rawValue - snapshotIndex.rawValue - 1)...])
    }

    /// Committed entries not yet handed out, limited to those durable or about to be made
    /// durable by the Ready that carries them (the shell persists before it applies).
    func nextCommitted(limit: LogIndex) -> [Entry] {
        let hi = min(committed, limit)
        guard hi > handedOut, handedOut >= snapshotIndex else { return [] }
        let lo = Int(handedOut.rawValue - snapshotIndex.rawValue)
        let hiPos = Int(hi.rawValue - snapshotIndex.rawValue)
        return Array(entries[lo..<hiPos])
    }
}
