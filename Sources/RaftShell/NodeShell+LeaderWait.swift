// Requests that arrive while this node knows no leader (an election under way, most often just
// after the leader died) wait here for one, up to `ShellConfig.leaderWait`, instead of being
// refused at once: an election usually ends within one election timeout, so the client gets
// its answer a few hundred milliseconds late rather than a CLUSTERDOWN it must retry. When a
// leader is known, a waiting read joins the next ReadIndex round and a waiting write goes back
// to the performer (`.resubmit`), which proposes it here or relays it; when the bound passes
// first, the request gets the same `.noLeader` refusal it used to get at once. Nothing waiting
// here was proposed or sent anywhere, so that refusal is a sure "not applied".
import RaftCore

/// A request held until this node knows a leader.
struct LeaderWaiter: Sendable {
    var token: RequestToken
    /// A read rejoins the shell's own ReadIndex path; a write goes back to the performer.
    var isRead: Bool
    /// When it arrived: a read keeps its request timeout from then.
    var arrived: UInt64
    var deadline: UInt64
}

extension NodeShell {
    /// Holds write `token` (its arguments stay with the performer) until a leader is known:
    /// then `.resubmit` (on a later event, never from this call); or `.refuse(.noLeader)` once
    /// `config.leaderWait` has passed.
    public mutating func awaitLeader(_ token: RequestToken, now: UInt64) -> [ShellAction] {
        guard !stopped else { return [.refuse(token, .shuttingDown)] }
        guard config.leaderWait > 0 else { return [.refuse(token, .noLeader)] }
        waitingForLeader.append(LeaderWaiter(token: token, isRead: false, arrived: now, deadline: now + config.leaderWait))
        return []
    }

    /// Requests waiting for a leader.
    public var leaderWaitCount: Int { waitingForLeader.count }

    /// The leader a request can go to now: this node if it leads, else the one it follows.
    var leaderForRequests: NodeID? {
        if core.role == .leader { return core.id }
        guard let l = core.leader, l != core.id else { return nil }
        return l
    }

    mutating func awaitLeaderForRead(_ token: RequestToken, now: UInt64) -> [ShellAction] {
        guard config.leaderWait > 0 else { return [.refuse(token, .noLeader)] }
        waitingForLeader.append(LeaderWaiter(token: token, isRead: true, arrived: now, deadline: now + config.leaderWait))
        return []
    }

    /// Releases every waiting request once a leader is known (called per tick and per Ready;
    /// cheap when nothing waits). Reads join the read queue, in arrival order; writes go back
    /// to the performer.
    mutating func releaseLeaderWaiters(now: UInt64, into actions: inout [ShellAction]) {
        guard !waitingForLeader.isEmpty, let leader = leaderForRequests else { return }
        let released = waitingForLeader
        waitingForLeader = []
        for w in released {
            if w.isRead {
                readQueue.append(QueuedRead(token: w.token, deadline: w.arrived + config.requestTimeout))
            } else {
                actions.append(.resubmit(w.token, leader: leader))
            }
        }
        startReadRoundIfNeeded(now: now)
    }

    /// The bound passed with no leader: the refusal clients got at once before (not applied).
    mutating func expireLeaderWaiters(now: UInt64, into actions: inout [ShellAction]) {
        guard !waitingForLeader.isEmpty else { return }
        for w in waitingForLeader where w.deadline <= now { actions.append(.refuse(w.token, .noLeader)) }
        waitingForLeader.removeAll { $0.deadline <= now }
    }
}
