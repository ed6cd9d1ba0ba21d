import NIOCore
import RESP
import RaftCore

// A write relayed to a leader that dies, or is cut off, must not wait out the request timeout:
// its client hears as soon as this node knows the leader is gone. Two signs, whichever comes
// first: the link the request went out on closed (kill -9 closes the leader's sockets at once;
// a reply can only come back on that connection), or this node's view of the leader changed
// (an election timeout passed, or another leader spoke: a partition). Either way the leader may
// have applied the write before it went, so the answer says the outcome is unknown.

extension NodeDriver {
    /// The reply to a write whose leader was lost after it was proposed or relayed: it may still
    /// be applied (docs/OPERATIONS.md, "Did my write happen?": maybe).
    static func leaderLost() -> RESPValue {
        .error("TRYAGAIN lost the leader, write outcome unknown (a write may still be applied)")
    }

    /// Answers every request relayed to a node that is no longer this node's leader; cheap when
    /// the leader has not changed since the last call (called per tick and per Ready).
    func forwardsFollowLeader() {
        let leader = raft.leader
        guard leader != leaderSeenByForwards else { return }
        leaderSeenByForwards = leader
        failForwards { $0 != leader }
    }

    /// The link to `peer` closed (or could not be made): requests relayed over it get no reply.
    func forwardLinkLost(to peer: NodeID) {
        failForwards { $0 == peer }
    }

    private func failForwards(where lost: (NodeID) -> Bool) {
        let reply = Self.leaderLost()
        for (id, f) in forwarded {
            guard let leader = f.leader, lost(leader) else { continue }
            forwarded[id] = nil
            f.promise.succeed(reply)
        }
    }
}
