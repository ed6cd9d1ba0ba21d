// Follower forwarding: a write this node cannot propose goes to the leader it knows, and the
// shell keeps which request went to which leader, until when. A relayed write must not wait out
// the request timeout when its leader is gone: its client hears as soon as this node knows,
// by whichever sign comes first: the link the request went out on closed (a reply can only come
// back on that connection), or this node's view of the leader changed (an election timeout
// passed, or another leader spoke). Either way the leader may have applied the write before it
// went, so the answer says the outcome is unknown (`.leadershipLost`).
import RaftCore

/// A request relayed to another node, waiting for that node's reply.
struct RelayedRequest: Sendable {
    var token: RequestToken
    /// The leader it was relayed to; nil for a request tied to no leader (a join or a probe the
    /// performer sends on a link of its own), which only its reply or its deadline ends.
    var leader: NodeID?
    var deadline: UInt64
}

extension NodeShell {
    /// Relays request `token` (its arguments stay with the performer) to `leader`: the answer is
    /// `.forward` with the relay id to send it under, and later `.forwardedReply` or a refusal.
    public mutating func forward(_ token: RequestToken, to leader: NodeID, now: UInt64, timeout: UInt64? = nil) -> [ShellAction] {
        guard !stopped else { return [.refuse(token, .shuttingDown)] }
        let id = relay(token, leader: leader, deadline: now + (timeout ?? config.requestTimeout))
        if config.unsafeFaults.contains(.ackForwardBeforeReply) {
            // UNSAFE, on purpose only: the client hears OK before the leader answered (or even
            // got) the write; the leader's reply, when it comes, finds nobody waiting.
            relayed[id] = nil
            return [.forward(token, id: id, to: leader), .acknowledgeUnsafely(token)]
        }
        return [.forward(token, id: id, to: leader)]
    }

    /// A request the performer sends itself on a link tied to no leader (joining, probing an
    /// ensemble): returns the relay id to send it under; its reply comes back through
    /// `forwardAnswered`, or `.writeTimedOut` at the deadline.
    public mutating func awaitRelayReply(_ token: RequestToken, now: UInt64, timeout: UInt64) -> UInt64 {
        relay(token, leader: nil, deadline: now + timeout)
    }

    /// The other node answered relay `id` with these RESP bytes (the shell does not read them).
    public mutating func forwardAnswered(id: UInt64, reply: [UInt8]) -> [ShellAction] {
        guard let r = relayed.removeValue(forKey: id) else { return [] }  // late: already answered
        return [.forwardedReply(r.token, reply)]
    }

    /// The performer could not send relay `id` (no link to its leader).
    public mutating func forwardUndeliverable(id: UInt64) -> [ShellAction] {
        guard let r = relayed.removeValue(forKey: id) else { return [] }
        guard let leader = r.leader else { return [.refuse(r.token, .noLeader)] }
        return [.refuse(r.token, .leaderUnreachable(leader))]
    }

    /// The link to `peer` closed (or could not be made): requests relayed over it get no reply.
    public mutating func linkClosed(to peer: NodeID) -> [ShellAction] {
        var actions: [ShellAction] = []
        failRelays(where: { $0 == peer }, into: &actions)
        return actions
    }

    /// Requests relayed and not yet answered.
    public var relayedRequestCount: Int { relayed.count }

    mutating func relay(_ token: RequestToken, leader: NodeID?, deadline: UInt64) -> UInt64 {
        let id = nextRelayID
        nextRelayID += 1
        relayed[id] = RelayedRequest(token: token, leader: leader, deadline: deadline)
        return id
    }

    /// Answers every request relayed to a node that is no longer this node's leader; cheap when
    /// the leader has not changed since the last call (called per tick and per Ready).
    mutating func relaysFollowLeader(into actions: inout [ShellAction]) {
        let leader = core.leader
        guard leader != leaderSeenByRelays else { return }
        leaderSeenByRelays = leader
        guard !relayed.isEmpty else { return }
        failRelays(where: { $0 != leader }, into: &actions)
    }

    /// Never a hang: a relayed request unanswered by its deadline gets a retryable error.
    mutating func expireRelays(now: UInt64, into actions: inout [ShellAction]) {
        guard !relayed.isEmpty else { return }
        for id in relayed.keys.sorted() where relayed[id]!.deadline <= now {
            actions.append(.refuse(relayed.removeValue(forKey: id)!.token, .writeTimedOut))
        }
    }

    private mutating func failRelays(where lost: (NodeID) -> Bool, into actions: inout [ShellAction]) {
        // In relay order, so a simulated run replays identically.
        for id in relayed.keys.sorted() {
            guard let leader = relayed[id]!.leader, lost(leader) else { continue }
            actions.append(.refuse(relayed.removeValue(forKey: id)!.token, .leadershipLost))
        }
    }
}
