// Never a hang: whatever waited past its deadline is refused with a retryable error.
import RaftCore

extension NodeShell {
    mutating func expireRequests(now: UInt64) -> [ShellAction] {
        var actions: [ShellAction] = []
        for w in pendingWrites.removeExpired(now: now) { actions.append(.refuse(w.token, .writeTimedOut)) }
        for r in readQueue where r.deadline <= now { actions.append(.refuse(r.token, .readTimedOut)) }
        readQueue.removeAll { $0.deadline <= now }
        for (id, round) in readRounds where round.reads.allSatisfy({ $0.deadline <= now }) {
            readRounds[id] = nil
            for r in round.reads { actions.append(.refuse(r.token, .readTimedOut)) }
        }
        readsAwaitingApply.removeAll { batch in
            guard batch.reads.allSatisfy({ $0.deadline <= now }) else { return false }
            for r in batch.reads { actions.append(.refuse(r.token, .readTimedOut)) }
            return true
        }
        startReadRoundIfNeeded(now: now)
        return actions
    }

    /// This node stopped leading: every write it proposed and still waits on is answered
    /// `.leadershipLost` (its outcome is unknown), instead of waiting out the request timeout.
    mutating func leadershipLost(after committed: LogIndex?, into actions: inout [ShellAction]) {
        for w in pendingWrites.removeAll(after: committed) { actions.append(.refuse(w.token, .leadershipLost)) }
    }
}
