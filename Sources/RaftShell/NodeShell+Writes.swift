// Writes: queued per loop turn, proposed together at the start of the next Ready, answered when
// their entry is applied (or refused when another leader's entry takes their index).
import RaftCore

extension NodeShell {
    /// Queues an encoded write for the next Ready. The performer has already checked that this
    /// node leads (a follower relays instead) and prepared the entry.
    public mutating func write(_ entry: [UInt8], token: RequestToken) {
        guard !stopped else { return }
        proposalQueue.append(QueuedWrite(token: token, entry: entry))
    }

    /// Answers `token` when the entry the performer proposed itself at `index` (in the current
    /// term) is applied, as for a write (membership changes use this).
    /// Returns the refusals of requests this entry displaced (see `awaitWrite`).
    public mutating func awaitEntry(at index: LogIndex, token: RequestToken, now: UInt64, timeout: UInt64? = nil) -> [ShellAction] {
        var actions: [ShellAction] = []
        awaitWrite(PendingWrite(token: token, term: core.term, deadline: now + (timeout ?? config.requestTimeout)), at: index, into: &actions)
        return actions
    }

    /// A write proposed at `index` waits there. Requests this node proposed at `index` or later in
    /// an earlier term lost their entries to a truncation (its log now ends before `index`); they
    /// get a retryable answer that does not claim the write failed, since only the log can say.
    /// (Before the ring, a dictionary overwrote such a request and it was never answered.)
    mutating func awaitWrite(_ w: PendingWrite, at index: LogIndex, into actions: inout [ShellAction]) {
        for lost in pendingWrites.insert(w, at: index) { actions.append(.refuse(lost.token, .writeTimedOut)) }
    }

    mutating func proposeQueued(now: UInt64) -> [ShellAction] {
        guard !proposalQueue.isEmpty else { return [] }
        let batch = proposalQueue
        proposalQueue = []
        var actions: [ShellAction] = []
        do {
            let first = try core.propose(batch: batch.map(\.entry))
            actions.append(.proposed(first: first, count: batch.count))
            var index = first
            let deadline = now + config.requestTimeout
            let term = core.term
            // Read once per batch, not per write: this loop is the proposal hot path.
            let ackBeforeCommit = config.unsafeFaults.contains(.ackBeforeCommit)
            for w in batch {
                if ackBeforeCommit {
                    // UNSAFE, on purpose only: acknowledged before replication.
                    actions.append(.acknowledgeUnsafely(w.token))
                } else {
                    awaitWrite(PendingWrite(token: w.token, term: term, deadline: deadline), at: index, into: &actions)
                }
                index = index.next
            }
        } catch {
            for w in batch {
                switch error {
                case .notLeader(let hint?) where hint != core.id: actions.append(.redirect(w.token, leader: hint))
                case .notLeader: actions.append(.refuse(w.token, .noLeader))
                case .transferInProgress: actions.append(.refuse(w.token, .transferInProgress))
                default: actions.append(.refuse(w.token, .proposalFailed("\(error)")))
                }
            }
        }
        return actions
    }
}
