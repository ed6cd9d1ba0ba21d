import NIOCore
import RESP
import RaftCore
import RaftShell

// The RAFT.* commands (and pyraft's add_node/del_node), answered on the leader and relayed to
// it from followers; every change is one RaftCore single-server change (dissertation §4.1).

extension NodeDriver {
    /// Answers a membership command (the table resolved `arguments` to one). Changes run on
    /// the leader: a follower relays them (once: a request relayed by a member is not relayed
    /// again, but one from a joining non-member is, so a join may go through any member).
    func membershipCommand(_ arguments: [[UInt8]], forwardedFrom: NodeID?) -> EventLoopFuture<RESPValue> {
        let name = String(decoding: arguments[0], as: UTF8.self).lowercased()
        // About this node only, never relayed (NodeDriver+StaticBootstrap.swift).
        if name == "raft.probe" { return loop.makeSucceededFuture(probeReply()) }
        let args = arguments.dropFirst().map { String(decoding: $0, as: UTF8.self) }
        let request: MembershipRequest
        switch MembershipRequest.parse(name: name, args) {
        case .failure(let e): return loop.makeSucceededFuture(.error(e.description))
        case .success(let r): request = r
        }
        if case .status = request { return loop.makeSucceededFuture(membershipStatus()) }
        guard raft.role == .leader else { return relayToLeader(arguments, forwardedFrom: forwardedFrom) }
        switch request {
        case .status:
            return loop.makeSucceededFuture(membershipStatus())
        case .add(let id, let address):
            return admit(id, address, answerWithMembers: false, overwrite: false)
        case .join(let id, let address, let overwrite):
            return admit(id, address, answerWithMembers: true, overwrite: overwrite)
        case .remove(let id):
            let conf = raft.configuration
            guard conf.members.contains(id) else {
                return loop.makeSucceededFuture(.error("ERR unknown node id '\(id)'"))
            }
            if id == options.id, conf.voters.count > 1 {
                // A leader removing itself would leave the cluster leaderless for an election
                // timeout (§4.2.2); hand leadership over first, then let the new leader remove us.
                return handOverLeadership().flatMap { [self] reply in
                    reply == .ok ? relayToLeader(arguments, forwardedFrom: nil) : loop.makeSucceededFuture(reply)
                }
            }
            return propose(ConfChange(kind: .remove, node: id)) { .ok }
        case .transfer(let id):
            return transfer(to: id)
        }
    }

    /// Moves leadership to the best other voter (`handoverTarget`: alive, longest log) and
    /// answers once it leads (`.ok` at once when this node is not the leader). For RAFT.REMOVE of the leader, and for a
    /// leader about to stop (SIGTERM), so the cluster need not wait for an election timeout.
    func handOverLeadership() -> EventLoopFuture<RESPValue> {
        guard raft.role == .leader else { return loop.makeSucceededFuture(.ok) }
        guard let successor = handoverTarget() else {
            return loop.makeSucceededFuture(.error("ERR no other voter to hand leadership to"))
        }
        return transfer(to: successor)
    }

    /// A node that knows it was removed answers every data command with this error rather than
    /// serving its frozen state or relaying to a leader that no longer counts it.
    func removedReply() -> EventLoopFuture<RESPValue>? {
        guard membership.removed else { return nil }
        return loop.makeSucceededFuture(.error("ERR this node was removed from the cluster: send commands to a member (RAFT.STATUS on any member lists them)"))
    }

    private var membershipDeadline: NIODeadline { .now() + .milliseconds(Int64(options.requestTimeoutMilliseconds)) }

    private func relayToLeader(_ arguments: [[UInt8]], forwardedFrom: NodeID?) -> EventLoopFuture<RESPValue> {
        let conf = raft.configuration
        if conf.members.isEmpty {
            // Both sides joining: nobody founded a cluster (pyraft's static "-e lists the others"
            // style reads as a join here). Say so rather than "no leader" for ever.
            return loop.makeSucceededFuture(.error(
                "ERR this node is not in a cluster yet (it is joining too): start the first node without -e, or give every founder the same -e list including itself"))
        }
        if !conf.members.contains(options.id) {
            return loop.makeSucceededFuture(.error("ERR this node is not a member of the cluster (removed or not yet joined)"))
        }
        if let from = forwardedFrom, conf.members.contains(from) {
            return loop.makeSucceededFuture(.error("TRYAGAIN this node is no longer the leader"))
        }
        guard let leader = raft.leader, leader != options.id else { return loop.makeSucceededFuture(Self.noLeader()) }
        return forward(arguments, to: leader, deadline: membershipDeadline)
    }

    /// Adds `id` as a learner (the leader promotes it once it has caught up). Idempotent: a
    /// member already at this address is simply acknowledged, so a joiner may retry freely.
    private func admit(_ id: NodeID, _ address: NodeAddress, answerWithMembers: Bool, overwrite: Bool) -> EventLoopFuture<RESPValue> {
        let conf = raft.configuration
        let peer = address.peerAddress.description
        let answer: @Sendable () -> RESPValue = { [self] in answerWithMembers ? membersReply() : .ok }
        if conf.members.contains(id) {
            if conf.addresses[id] == peer { return loop.makeSucceededFuture(answer()) }
            guard overwrite else {
                return loop.makeSucceededFuture(.error(
                    "ERR node '\(id)' is already a member at \(conf.addresses[id].map(Self.clientAddress(ofPeer:)) ?? "?"); RAFT.REMOVE it first (or start the node with -o)"))
            }
            // pyraft's -o: the old incarnation goes first; the joiner retries and is then added.
            logger.info("membership: \(id) rejoins at \(address), removing its old address first")
            return propose(ConfChange(kind: .remove, node: id)) {
                .error("TRYAGAIN removed the old incarnation of '\(id)', ask again to be added")
            }
        }
        if let other = conf.addresses.first(where: { $0.value == peer && $0.key != id }) {
            return loop.makeSucceededFuture(.error("ERR address \(address) already belongs to node '\(other.key)'"))
        }
        return propose(ConfChange(kind: .addLearner, node: id, address: peer), then: answer)
    }

    /// Proposes `change` and answers with `then()` once it is applied (committed). A change
    /// that must wait for the previous one (one at a time, §4.1) waits in the shell up to two
    /// seconds, retried every tick, before the client is told TRYAGAIN.
    private func propose(_ change: ConfChange, then: @escaping @Sendable () -> RESPValue) -> EventLoopFuture<RESPValue> {
        let promise = loop.makePromise(of: RESPValue.self)
        let token = register(arguments: [], forwardedFrom: nil) { reply in promise.succeed(reply == .ok ? then() : reply) }
        let wait = UInt64(max(0, min(2000, options.requestTimeoutMilliseconds)))
        perform(shell.proposeConfChange(change, token: token, now: Self.monotonicMillis(), wait: wait))
        scheduleReady()
        return promise.futureResult
    }

    private func transfer(to target: NodeID) -> EventLoopFuture<RESPValue> {
        guard raft.configuration.members.contains(target) else {
            return loop.makeSucceededFuture(.error("ERR unknown node id '\(target)'"))
        }
        if target == options.id { return loop.makeSucceededFuture(.ok) }
        let promise = loop.makePromise(of: RESPValue.self)
        let token = register(promise, arguments: [], forwardedFrom: nil)
        // The core abandons a transfer after an election timeout; allow twice that.
        let timeout = UInt64(max(0, options.tickMilliseconds * options.electionTicks * 2))
        let actions = shell.transferLeadership(to: target, token: token, now: Self.monotonicMillis(), timeout: timeout)
        if actions.isEmpty { logger.info("membership: transferring leadership to \(target)") }
        perform(actions)
        scheduleReady()
        return promise.futureResult
    }

    static func reply(for error: ProposalError) -> RESPValue {
        switch error {
        case .notLeader: noLeader()
        case .transferInProgress: .error("TRYAGAIN leadership transfer in progress")
        case .configChangeInProgress: .error("TRYAGAIN a membership change is in progress (one at a time), try again")
        case .invalidConfChange(let why): .error("ERR \(why)")
        case .removed: .error("ERR this node is not a member of the cluster (removed)")
        }
    }

    /// The members' ids and peer addresses, flat: what a joiner dials.
    private func membersReply() -> RESPValue {
        let conf = raft.configuration
        var out: [RESPValue] = []
        for id in conf.members.sorted() {
            guard let a = conf.addresses[id] else { continue }
            out += [.bulk(id.rawValue), .bulk(a)]
        }
        return .array(out)
    }

    /// A configuration address is the peer port; people know nodes by the client port below it.
    static func clientAddress(ofPeer text: String) -> String {
        guard let a = try? NodeAddress(parsing: text) else { return text }
        return NodeAddress(host: a.host, port: a.port - 1).description
    }
}
