// Membership requests as the shell decides them: a configuration change that must wait for the
// previous one (one at a time, dissertation §4.1) is retried every tick until its deadline; a
// leadership transfer (§3.10) waits for leadership to move, to be abandoned, or for its deadline;
// a joining node's attempts follow a schedule (round robin over the members it was given, soon
// again after a refusal, now and then once admitted, until the log names it). The performer
// validates the operator's arguments, sends the join requests on its own link, logs and words
// the answers; the waiting and retrying happen here, on the shell's tick.
import RaftCore

/// The shell's membership bookkeeping.
struct ShellMembership: Sendable {
    struct QueuedChange: Sendable {
        var token: RequestToken
        var change: ConfChange
        var deadline: UInt64
    }
    struct TransferWait: Sendable {
        var token: RequestToken
        var target: NodeID
        var deadline: UInt64
    }
    /// Changes refused only because another is still uncommitted (or a new leader has not yet
    /// committed its first entry), in arrival order.
    var queuedChanges: [QueuedChange] = []
    var transfers: [TransferWait] = []
    var join: JoinSchedule? = nil
}

/// When a joining node asks again, and whom (an index into the performer's list of members).
public struct JoinSchedule: Sendable, Equatable {
    /// How many members the performer may ask (round robin).
    public var targets: Int
    /// The attempt number: the next request goes to member `attempt % targets`.
    public var attempt = 0
    public var inFlight = false
    public var next: UInt64 = 0
    /// When the first admission came; a node admitted long ago that still has no log was never
    /// reached by a leader (warned about once).
    public var admittedAt: UInt64? = nil
    public var warnedUnreached = false

    /// After a refusal: the next member, soon.
    public static let retryAfterRefusal: UInt64 = 300
    /// Once admitted the answer is idempotent: ask again now and then until the log names us.
    public static let retryAfterAdmission: UInt64 = 2_000
    /// Admitted this long with an empty log: no leader can reach the address this node gave.
    public static let unreachedWarning: UInt64 = 10_000
}

/// How a leadership transfer ended.
public enum TransferOutcome: Sendable, Equatable {
    /// The target leads (as this node, now a follower, sees it).
    case completed
    /// Another node took leadership.
    case movedTo(NodeID)
    /// This node still leads and the core gave the transfer up (the target did not win within
    /// an election timeout).
    case abandoned
    case timedOut
}

extension NodeShell {
    // MARK: configuration changes

    /// Proposes `change` for request `token`: answered like a write once its entry is applied
    /// (`.apply` with `replyTo`); when another change is still uncommitted it is retried every
    /// tick for up to `wait` ms, then refused with the core's reason.
    public mutating func proposeConfChange(_ change: ConfChange, token: RequestToken, now: UInt64, wait: UInt64) -> [ShellAction] {
        guard !stopped else { return [.refuse(token, .shuttingDown)] }
        var actions: [ShellAction] = []
        let q = ShellMembership.QueuedChange(token: token, change: change, deadline: now + wait)
        if !tryConfChange(q, now: now, into: &actions) { membershipState.queuedChanges.append(q) }
        return actions
    }

    /// Changes waiting for the previous one to commit.
    public var queuedConfChangeCount: Int { membershipState.queuedChanges.count }

    /// Returns false when the change must wait (and its deadline has not passed).
    private mutating func tryConfChange(_ q: ShellMembership.QueuedChange, now: UInt64, into actions: inout [ShellAction]) -> Bool {
        let index: LogIndex
        do {
            index = try core.proposeConfChange(q.change)
        } catch {
            if error == .configChangeInProgress && now < q.deadline { return false }
            actions.append(.refuse(q.token, .confChangeRefused(error)))
            return true
        }
        actions.append(.confChangeProposed(q.change, index: index))
        awaitWrite(PendingWrite(token: q.token, term: core.term, deadline: now + config.requestTimeout), at: index, into: &actions)
        return true
    }

    /// Per tick: the queued changes in order; the first that must still wait keeps its place and
    /// everything after it.
    mutating func retryQueuedConfChanges(now: UInt64, into actions: inout [ShellAction]) {
        guard !membershipState.queuedChanges.isEmpty else { return }
        let queued = membershipState.queuedChanges
        membershipState.queuedChanges = []
        for (i, q) in queued.enumerated() where !tryConfChange(q, now: now, into: &actions) {
            membershipState.queuedChanges = Array(queued[i...])
            return
        }
    }

    // MARK: leadership transfer

    /// Asks the core to hand leadership to `target` (a member other than this node, checked by
    /// the performer) for request `token`: `.transferEnded` once it moved, was given up, or
    /// `timeout` ms passed; `.refuse` at once when the core refuses.
    public mutating func transferLeadership(to target: NodeID, token: RequestToken, now: UInt64, timeout: UInt64) -> [ShellAction] {
        guard !stopped else { return [.refuse(token, .shuttingDown)] }
        do {
            try core.transferLeadership(to: target)
        } catch {
            return [.refuse(token, .transferRefused(error))]
        }
        membershipState.transfers.append(ShellMembership.TransferWait(token: token, target: target, deadline: now + timeout))
        return []
    }

    /// Transfers still waiting.
    public var transferWaitCount: Int { membershipState.transfers.count }

    /// Per tick: ends the transfers whose outcome is known.
    mutating func resolveTransfers(now: UInt64, into actions: inout [ShellAction]) {
        guard !membershipState.transfers.isEmpty else { return }
        var waiting: [ShellMembership.TransferWait] = []
        for t in membershipState.transfers {
            if core.role != .leader, let l = core.leader {
                actions.append(.transferEnded(t.token, target: t.target, l == t.target ? .completed : .movedTo(l)))
            } else if core.role == .leader && core.leadershipTransferTarget == nil {
                actions.append(.transferEnded(t.token, target: t.target, .abandoned))
            } else if now >= t.deadline {
                actions.append(.transferEnded(t.token, target: t.target, .timedOut))
            } else {
                waiting.append(t)
            }
        }
        membershipState.transfers = waiting
    }

    // MARK: joining

    /// Starts asking to be admitted, through `targets` members (round robin): `.sendJoinRequest`
    /// at the next tick, then per `JoinSchedule`; `.joined` once the log names this node.
    public mutating func startJoining(targets: Int) {
        guard targets > 0 else { return }
        membershipState.join = JoinSchedule(targets: targets)
    }

    /// The join schedule while this node asks to be admitted (nil once admitted by the log).
    public var joinSchedule: JoinSchedule? { membershipState.join }

    /// The answer to the last `.sendJoinRequest`: admitted (the members answered) or refused
    /// (or unanswered).
    public mutating func joinAnswered(admitted: Bool, now: UInt64) {
        guard var j = membershipState.join else { return }
        j.inFlight = false
        if admitted {
            if j.admittedAt == nil { j.admittedAt = now }
            j.next = now + JoinSchedule.retryAfterAdmission
        } else {
            j.attempt += 1
            j.next = now + JoinSchedule.retryAfterRefusal
        }
        membershipState.join = j
    }

    /// Per tick: done once this node is in its own configuration; else the next attempt when due.
    mutating func joinTick(now: UInt64, into actions: inout [ShellAction]) {
        guard var j = membershipState.join else { return }
        let conf = core.configuration
        if conf.members.contains(core.id) {
            membershipState.join = nil
            actions.append(.joined(asVoter: conf.voters.contains(core.id)))
            return
        }
        if let admitted = j.admittedAt, now &- admitted > JoinSchedule.unreachedWarning, core.lastIndex == .zero, !j.warnedUnreached {
            j.warnedUnreached = true
            actions.append(.joinUnreached)
        }
        if !j.inFlight, now >= j.next {
            j.inFlight = true
            actions.append(.sendJoinRequest(target: j.attempt % j.targets))
        }
        membershipState.join = j
    }

    /// The membership duties of one tick (called from `tick`).
    mutating func membershipTick(now: UInt64, into actions: inout [ShellAction]) {
        joinTick(now: now, into: &actions)
        retryQueuedConfChanges(now: now, into: &actions)
        resolveTransfers(now: now, into: &actions)
    }

    /// The requests membership holds (for `stop`).
    mutating func takeMembershipRequests() -> [RequestToken] {
        defer {
            membershipState.queuedChanges = []
            membershipState.transfers = []
        }
        return membershipState.queuedChanges.map(\.token) + membershipState.transfers.map(\.token)
    }
}
