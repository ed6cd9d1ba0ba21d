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
    public mutating func awaitEntry(at index: LogIndex, token: RequestToken, now: UInt64, timeout: UInt64? = nil) {
        pendingWrites[index] = PendingWrite(token: token, term: core.term, deadline: now + (timeout ?? config.requestTimeout))
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
            // Read once per batch, not per write: this loop is the proposal hot path.
            let ackBeforeCommit = config.unsafeFaults.contains(.ackBeforeCommit)
            for w in batch {
                if ackBeforeCommit {
                    // UNSAFE, on purpose only: acknowledged before replication.
                    actions.append(.acknowledgeUnsafely(w.token))
                } else {
                    pendingWrites[index] = PendingWrite(token: w.token, term: core.term, deadline: deadline)
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
