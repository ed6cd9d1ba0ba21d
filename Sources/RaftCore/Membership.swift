// Membership changes, one server at a time (dissertation §4.1), with non-voting learners that
// catch up before they are promoted (§4.2.1).
//
// A configuration takes effect on a node as soon as its entry is appended to that node's log,
// committed or not (dissertation §4.1: "a server always uses the latest configuration in its
// log"). If the entry is later truncated, the node reverts to the previous one. Safety then needs
// "one change at a time": the leader refuses a new change while an earlier one is uncommitted,
// and a new leader refuses changes until it has committed an entry of its own term (the no-op),
// which closes the hole found in 2015 (raft-dev, "bug in single-server membership changes").

struct ConfigurationHistory: Sendable {
    /// The configuration as of `baseIndex` (a snapshot, or the bootstrap configuration at 0).
    private(set) var base: Configuration
    private(set) var baseIndex: LogIndex
    /// Configurations from entries after `baseIndex`, in log order.
    private(set) var changes: [(index: LogIndex, configuration: Configuration)] = []

    init(base: Configuration, baseIndex: LogIndex) {
        self.base = base
        self.baseIndex = baseIndex
    }

    var current: Configuration { changes.last?.configuration ?? base }
    var lastChangeIndex: LogIndex { changes.last?.index ?? .zero }

    func configuration(at index: LogIndex) -> Configuration {
        var c = base
        for ch in changes where ch.index <= index { c = ch.configuration }
        return c
    }

    /// Records the configuration entries among `entries` that are new to the log. An entry that
    /// does not decode, or makes no sense against the configuration before it, changes nothing
    /// (every node reaches the same verdict from the same log). Returns whether anything changed.
    mutating func record(entries: [Entry]) -> Bool {
        var changed = false
        for e in entries where e.kind == .configuration && e.index > lastChangeIndex && e.index > baseIndex {
            guard let cc = try? ConfChange(decoding: e.data), let next = try? current.applying(cc) else { continue }
            changes.append((e.index, next))
            changed = true
        }
        return changed
    }

    mutating func truncate(from index: LogIndex) -> Bool {
        let before = changes.count
        changes.removeAll { $0.index >= index }
        return changes.count != before
    }

    /// Folds changes at or before `index` into the base (the log before it was compacted).
    mutating func compact(to index: LogIndex) {
        guard index > baseIndex else { return }
        base = configuration(at: index)
        baseIndex = index
        changes.removeAll { $0.index <= index }
    }

    mutating func reset(to s: SnapshotMetadata) {
        base = s.configuration
        baseIndex = s.index
        changes = []
    }
}

extension RaftNode {
    /// Proposes a single-server change, replicated as a `.configuration` entry whose data is
    /// `change.encoded`. It takes effect on each node when appended (see above). Refused while
    /// another change is uncommitted, and until this leader committed an entry of its term.
    @discardableResult
    public mutating func proposeConfChange(_ change: ConfChange) throws(ProposalError) -> LogIndex {
        try checkCanPropose()
        guard raftLog.term(at: raftLog.committed) == currentTerm, pendingConfIndex <= raftLog.committed else {
            throw .configChangeInProgress
        }
        let current = confHistory.current
        if change.kind == .remove && change.node == id && current.voters.count == 1 {
            throw .invalidConfChange("cannot remove the last voter")
        }
        _ = try current.applying(change)
        let e = Entry(term: currentTerm, index: raftLog.lastIndex.next, kind: .configuration, data: change.encoded)
        pendingConfIndex = e.index
        appendAsLeader([e])
        broadcastAppend()
        return e.index
    }

    /// The latest configuration changed (appended, truncated, or restored from a snapshot).
    mutating func configurationChanged() {
        let conf = confHistory.current
        switch currentRole {
        case .leader:
            // New members start probing from the end of our log. Removed ones keep receiving
            // the log until their removal commits, so that they learn of it and stop
            // campaigning; they count in no quorum meanwhile (quorums use `voters`).
            for m in conf.members.sorted() where peers[m] == nil {
                peers[m] = PeerProgress(next: raftLog.lastIndex.next, isLearner: conf.learners.contains(m))
                sendAppend(to: m)
            }
            for k in peers.keys { peers[k]?.isLearner = conf.learners.contains(k) }
            if let t = leadTransferee, !conf.voters.contains(t) { leadTransferee = nil }
        case .follower, .learner:
            currentRole = conf.learners.contains(id) ? .learner : .follower
        case .candidate, .preCandidate:
            // A candidate that is no longer a voter gives up its campaign.
            if !conf.voters.contains(id) { becomeFollower(term: currentTerm, leader: nil) }
        }
    }
}
