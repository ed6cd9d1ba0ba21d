import Logging
import NIOCore
import RESP
import RaftCore

// Membership from the operator's side: joining a running cluster (pyraft's `-e` flow), the
// RAFT.* admin commands, and the leader's duty of promoting caught-up learners. Every change goes
// through RaftCore's single-server changes (dissertation §4.1: one at a time, effective on
// append), so there are never two majorities; this file only decides *which* change to propose.
//
// Joining. A node started with an -e list that does not name it, and with no persisted state,
// asks the members it was given (round robin, over their peer port, so the cluster secret
// applies) to run `RAFT.JOIN id client-address`. A follower relays it to its leader; the leader
// adds the node as a learner, answers with the members' peer addresses once that entry commits,
// and the joiner dials them until the log it receives names it. A node restarting with state
// never joins again. Learners are promoted to voters by the leader, one at a time, once their
// match index is within one append batch of the leader's log (§4.2.1).

/// The driver's membership bookkeeping; touched on the driver's loop only.
struct MembershipState {
    /// Asking to be admitted (cleared once this node appears in its own configuration).
    var joining = false
    var joinAttempt = 0
    var joinInFlight = false
    var nextJoinAttempt = NIODeadline.uptimeNanoseconds(0)
    var joinLink: PeerLink? = nil
    var lastJoinError: String? = nil
    /// The members' peer addresses, learned from the join answer; dialed until the log names us.
    var joinDial: [NodeID: NodeAddress] = [:]
    var admittedAt: NIODeadline? = nil
    var warnedUnreached = false
    /// RAFT.TRANSFER requests waiting for leadership to move.
    var transfers: [(target: NodeID, promise: EventLoopPromise<RESPValue>, deadline: NIODeadline)] = []
    /// Changes refused only because another change is still uncommitted (or a new leader has
    /// not committed its first entry yet): retried every tick until their deadline.
    var queuedChanges: [(change: ConfChange, then: () -> RESPValue, promise: EventLoopPromise<RESPValue>, deadline: NIODeadline)] = []
    var duty: RepeatedTask? = nil
    var announcedRemoval = false
}

extension NodeDriver {
    /// Names answered by `membershipCommand` (lower case), pyraft's included.
    static let membershipCommandNames: Set<String> = [
        "raft.add", "add_node", "raft.remove", "del_node", "raft.transfer", "raft.status", "raft.join",
    ]

    // MARK: duties, every tick

    /// Called once from `start()`.
    func startMembershipDuties() {
        loop.preconditionInEventLoop()
        if !options.join.isEmpty {
            if raft.lastIndex == .zero && raft.snapshot == nil {
                membership.joining = true
                logger.info("joining the cluster through \(options.join.map(\.description).joined(separator: ", "))")
            } else {
                logger.info("restarting with persisted state (last index \(raft.lastIndex)): not joining again")
            }
        }
        let period = TimeAmount.milliseconds(Int64(max(10, options.tickMilliseconds)))
        membership.duty = loop.scheduleRepeatedTask(initialDelay: .zero, delay: period) { [self] _ in
            guard !stopped else { return }
            membershipTick(now: .now())
        }
    }

    /// Called from `stop()`: answers whatever waits, so no promise is left behind.
    func stopMembershipDuties() {
        membership.duty?.cancel()
        membership.joinLink?.close()
        membership.joinLink = nil
        let e = RESPValue.error("TRYAGAIN node is shutting down")
        for q in membership.queuedChanges { q.promise.succeed(e) }
        for t in membership.transfers { t.promise.succeed(e) }
        membership.queuedChanges = []
        membership.transfers = []
    }

    func membershipTick(now: NIODeadline) {
        let conf = raft.configuration
        if membership.joining { joinTick(now: now, conf: conf) }
        retryQueuedChanges(now: now)
        if raft.role == .leader && membership.queuedChanges.isEmpty { promoteCaughtUpLearner(conf) }
        resolveTransfers(now: now)
        if !conf.members.isEmpty && !conf.members.contains(options.id) && !membership.joining {
            if !membership.announcedRemoval {
                membership.announcedRemoval = true
                logger.warning("this node is not in the cluster's configuration (removed): it will not campaign; to join again, start it with an empty --data-dir and -e <a member>")
            }
        } else {
            membership.announcedRemoval = false
        }
    }

    /// §4.2.1: a learner becomes a voter once it has caught up. The core refuses the promotion
    /// while another change is uncommitted or the learner lags by more than one append batch,
    /// so trying every tick is enough; only learners heard from recently are considered, so a
    /// node added ahead of its start (RAFT.ADD) is not promoted before it runs.
    private func promoteCaughtUpLearner(_ conf: Configuration) {
        guard !conf.learners.isEmpty else { return }
        let progress = raft.progress
        for learner in conf.learners.sorted() {
            guard let p = progress[learner], p.recentActive, p.match > .zero else { continue }
            do {
                try raft.proposeConfChange(ConfChange(kind: .promoteToVoter, node: learner))
                logger.info("membership: promoting learner \(learner) to voter (match \(p.match) of \(raft.lastIndex))")
                scheduleReady()
                return
            } catch {
                continue
            }
        }
    }

    /// Extra peer links while joining (merged by `refreshPeerLinks`).
    func joinDialExtras() -> [NodeID: NodeAddress] {
        guard !membership.joinDial.isEmpty, !raft.configuration.members.contains(options.id) else { return [:] }
        return membership.joinDial
    }

    private func joinTick(now: NIODeadline, conf: Configuration) {
        if conf.members.contains(options.id) {
            membership.joining = false
            membership.joinLink?.close()
            membership.joinLink = nil
            logger.info("joined the cluster as a \(conf.voters.contains(options.id) ? "voter" : "learner")")
            refreshPeerLinks()
            return
        }
        if let admitted = membership.admittedAt, now - admitted > .seconds(10), raft.lastIndex == .zero, !membership.warnedUnreached {
            // Admitted, yet no leader has sent us the log: it cannot reach the address we gave.
            membership.warnedUnreached = true
            logger.warning("admitted, but no leader has reached this node at \(options.clientAddress.peerAddress) for 10 s: is -a an address the other members can connect to?")
        }
        guard !membership.joinInFlight, now >= membership.nextJoinAttempt, !options.join.isEmpty else { return }
        let target = options.join[membership.joinAttempt % options.join.count]
        if membership.joinLink?.address != target.peerAddress {
            membership.joinLink?.close()
            membership.joinLink = PeerLink(peer: NodeID("join@\(target)"), address: target.peerAddress, transport: transport)
        }
        var request = ["RAFT.JOIN", options.id.rawValue, options.clientAddress.description]
        if options.overwritePeer { request.append("OVERWRITE") }
        let id = nextForwardID
        nextForwardID += 1
        let promise = loop.makePromise(of: RESPValue.self)
        forwarded[id] = (promise, now + .seconds(3))
        membership.joinInFlight = true
        membership.joinLink?.send(.forwardRequest(id: id, from: options.id, arguments: request.map { Array($0.utf8) }))
        membership.joinLink?.flush()
        promise.futureResult.whenSuccess { [self] reply in
            membership.joinInFlight = false
            joinAnswered(reply, via: target)
        }
    }

    private func joinAnswered(_ reply: RESPValue, via target: NodeAddress) {
        let now = NIODeadline.now()
        if case .array(let items?) = reply, items.count % 2 == 0 {
            var dial: [NodeID: NodeAddress] = [:]
            for k in stride(from: 0, to: items.count, by: 2) {
                guard let id = items[k].stringValue, let text = items[k + 1].stringValue,
                    let a = try? NodeAddress(parsing: text), id != options.id.rawValue
                else { continue }
                dial[NodeID(id)] = a
            }
            if membership.joinDial != dial {
                logger.info("admitted as a learner via \(target); members \(dial.keys.sorted())")
                membership.joinDial = dial
                refreshPeerLinks()
            }
            membership.lastJoinError = nil
            if membership.admittedAt == nil { membership.admittedAt = now }
            // Admitted: keep asking now and then (the answer is idempotent) until the log names us.
            membership.nextJoinAttempt = now + .seconds(2)
            return
        }
        let text: String
        if case .error(let e) = reply { text = e } else { text = "unexpected answer \(reply)" }
        if text != membership.lastJoinError {
            logger.warning("join via \(target) refused: \(text)")
            membership.lastJoinError = text
        }
        membership.joinAttempt += 1
        membership.nextJoinAttempt = now + .milliseconds(300)
    }

    private func resolveTransfers(now: NIODeadline) {
        guard !membership.transfers.isEmpty else { return }
        var waiting: [(target: NodeID, promise: EventLoopPromise<RESPValue>, deadline: NIODeadline)] = []
        for t in membership.transfers {
            if raft.role != .leader, let l = raft.leader {
                t.promise.succeed(l == t.target ? .ok : .error("TRYAGAIN leadership moved to \(l), not \(t.target)"))
            } else if raft.role == .leader && raft.leadershipTransferTarget == nil {
                t.promise.succeed(.error("TRYAGAIN leadership transfer to \(t.target) did not complete"))
            } else if now >= t.deadline {
                t.promise.succeed(.error("TRYAGAIN leadership transfer to \(t.target) timed out"))
            } else {
                waiting.append(t)
            }
        }
        membership.transfers = waiting
    }

    // MARK: commands

    /// Answers a membership command, or returns nil when `arguments` is not one. Changes run on
    /// the leader: a follower relays them (once: a request relayed by a member is not relayed
    /// again, but one from a joining non-member is, so a join may go through any member).
    func membershipCommand(_ arguments: [[UInt8]], forwardedFrom: NodeID?) -> EventLoopFuture<RESPValue>? {
        guard let first = arguments.first else { return nil }
        let name = String(decoding: first, as: UTF8.self).lowercased()
        guard Self.membershipCommandNames.contains(name) else { return nil }
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

    /// Moves leadership to the most up-to-date other voter and answers once it leads (`.ok`
    /// at once when this node is not the leader). For RAFT.REMOVE of the leader, and for a
    /// leader about to stop (SIGTERM), so the cluster need not wait for an election timeout.
    func handOverLeadership() -> EventLoopFuture<RESPValue> {
        guard raft.role == .leader else { return loop.makeSucceededFuture(.ok) }
        guard let successor = bestSuccessor(raft.configuration) else {
            return loop.makeSucceededFuture(.error("ERR no other voter to hand leadership to"))
        }
        return transfer(to: successor)
    }

    /// The voter, other than this leader, with the longest log: the quickest transfer target.
    private func bestSuccessor(_ conf: Configuration) -> NodeID? {
        let progress = raft.progress
        return conf.voters.filter { $0 != options.id }.max { a, b in
            let ma = progress[a]?.match ?? .zero, mb = progress[b]?.match ?? .zero
            return ma != mb ? ma < mb : a > b
        }
    }

    private var membershipDeadline: NIODeadline { .now() + .milliseconds(Int64(options.requestTimeoutMilliseconds)) }

    private func relayToLeader(_ arguments: [[UInt8]], forwardedFrom: NodeID?) -> EventLoopFuture<RESPValue> {
        let conf = raft.configuration
        if !conf.members.isEmpty && !conf.members.contains(options.id) {
            return loop.makeSucceededFuture(.error("ERR this node is not a member of the cluster (removed or not yet joined)"))
        }
        if let from = forwardedFrom, conf.members.contains(from) {
            return loop.makeSucceededFuture(.error("TRYAGAIN this node is no longer the leader"))
        }
        guard let leader = raft.leader, leader != options.id else { return loop.makeSucceededFuture(Self.noLeader()) }
        let id = nextForwardID
        nextForwardID += 1
        let promise = loop.makePromise(of: RESPValue.self)
        forwarded[id] = (promise, membershipDeadline)
        guard transport.sendForward(.forwardRequest(id: id, from: options.id, arguments: arguments), to: leader) else {
            forwarded[id] = nil
            promise.succeed(.error("TRYAGAIN leader \(leader) is unreachable"))
            return promise.futureResult
        }
        return promise.futureResult
    }

    /// Adds `id` as a learner (the leader promotes it once it has caught up). Idempotent: a
    /// member already at this address is simply acknowledged, so a joiner may retry freely.
    private func admit(_ id: NodeID, _ address: NodeAddress, answerWithMembers: Bool, overwrite: Bool) -> EventLoopFuture<RESPValue> {
        let conf = raft.configuration
        let peer = address.peerAddress.description
        let answer: () -> RESPValue = { [self] in answerWithMembers ? membersReply() : .ok }
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
    /// that must wait for the previous one (one at a time, §4.1) waits up to two seconds
    /// before the client is told TRYAGAIN.
    private func propose(_ change: ConfChange, then: @escaping () -> RESPValue) -> EventLoopFuture<RESPValue> {
        let promise = loop.makePromise(of: RESPValue.self)
        let deadline = NIODeadline.now() + .milliseconds(Int64(min(2000, options.requestTimeoutMilliseconds)))
        if !tryPropose(change, then: then, promise: promise, queueUntil: deadline) {
            membership.queuedChanges.append((change, then, promise, deadline))
        }
        return promise.futureResult
    }

    /// Returns false when the change must wait (and `queueUntil` has not passed).
    private func tryPropose(_ change: ConfChange, then: @escaping () -> RESPValue, promise: EventLoopPromise<RESPValue>, queueUntil: NIODeadline) -> Bool {
        let index: LogIndex
        do {
            index = try raft.proposeConfChange(change)
        } catch {
            if error == .configChangeInProgress && NIODeadline.now() < queueUntil { return false }
            if case .notLeader = error {
                promise.succeed(.error("TRYAGAIN leadership changed before the membership change was proposed"))
            } else {
                promise.succeed(Self.reply(for: error))
            }
            return true
        }
        logger.info("membership: proposed \(change.kind) \(change.node) \(change.address) at index \(index)")
        let applied = loop.makePromise(of: RESPValue.self)
        pendingWrites[index] = PendingWrite(term: raft.term, promise: applied, deadline: membershipDeadline)
        applied.futureResult.whenSuccess { promise.succeed($0 == .ok ? then() : $0) }
        scheduleReady()
        return true
    }

    private func retryQueuedChanges(now: NIODeadline) {
        guard !membership.queuedChanges.isEmpty else { return }
        let queued = membership.queuedChanges
        membership.queuedChanges = []
        for (i, q) in queued.enumerated() where !tryPropose(q.change, then: q.then, promise: q.promise, queueUntil: q.deadline) {
            // Still waiting: keep it and everything after it, in order.
            membership.queuedChanges = Array(queued[i...])
            return
        }
    }

    private func transfer(to target: NodeID) -> EventLoopFuture<RESPValue> {
        guard raft.configuration.members.contains(target) else {
            return loop.makeSucceededFuture(.error("ERR unknown node id '\(target)'"))
        }
        if target == options.id { return loop.makeSucceededFuture(.ok) }
        do {
            try raft.transferLeadership(to: target)
        } catch {
            return loop.makeSucceededFuture(Self.reply(for: error))
        }
        logger.info("membership: transferring leadership to \(target)")
        scheduleReady()
        let promise = loop.makePromise(of: RESPValue.self)
        // The core abandons a transfer after an election timeout; allow twice that.
        let timeout = Int64(options.tickMilliseconds * options.electionTicks * 2)
        membership.transfers.append((target, promise, .now() + .milliseconds(timeout)))
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

    // MARK: RAFT.STATUS

    /// A machine-readable view (a RESP3 map; RESP2 clients get the flat array). Match index and
    /// lag are known on the leader only; elsewhere they are -1.
    func membershipStatus() -> RESPValue {
        let conf = raft.configuration
        let progress = raft.progress
        let last = raft.lastIndex
        func bulk(_ s: String) -> RESPValue { .bulk(s) }
        func int(_ v: UInt64) -> RESPValue { .integer(Int64(clamping: v)) }
        var peers: [RESPValue.Pair] = []
        for id in conf.members.sorted() {
            var match: Int64 = -1
            var lag: Int64 = -1
            if id == options.id {
                match = Int64(clamping: last.rawValue)
                lag = raft.role == .leader ? 0 : -1
            } else if let p = progress[id] {
                match = Int64(clamping: p.match.rawValue)
                lag = Int64(clamping: last.rawValue &- min(last.rawValue, p.match.rawValue))
            }
            var fields: [RESPValue.Pair] = [
                .init(bulk("address"), bulk(conf.addresses[id].map(Self.clientAddress(ofPeer:)) ?? "")),
                .init(bulk("peer_address"), bulk(conf.addresses[id] ?? "")),
                .init(bulk("role"), bulk(conf.voters.contains(id) ? "voter" : "learner")),
                .init(bulk("match_index"), .integer(match)),
                .init(bulk("lag"), .integer(lag)),
            ]
            if let p = progress[id], id != options.id {
                fields.append(.init(bulk("state"), bulk(p.state.rawValue)))
                fields.append(.init(bulk("recent_active"), .integer(p.recentActive ? 1 : 0)))
            }
            peers.append(.init(bulk(id.rawValue), .map(fields)))
        }
        return .map([
            .init(bulk("id"), bulk(options.id.rawValue)),
            .init(bulk("role"), bulk(raft.role.rawValue)),
            .init(bulk("term"), int(raft.term.rawValue)),
            .init(bulk("leader"), bulk(raft.leader?.rawValue ?? "")),
            .init(bulk("commit_index"), int(raft.commitIndex.rawValue)),
            .init(bulk("applied_index"), int(raft.appliedIndex.rawValue)),
            .init(bulk("last_index"), int(last.rawValue)),
            .init(bulk("joining"), .integer(membership.joining ? 1 : 0)),
            .init(bulk("transfer_target"), bulk(raft.leadershipTransferTarget?.rawValue ?? "")),
            .init(bulk("peers"), .map(peers)),
        ])
    }
}

/// A parsed membership command.
enum MembershipRequest: Equatable {
    case add(NodeID, NodeAddress)
    case join(NodeID, NodeAddress, overwrite: Bool)
    case remove(NodeID)
    case transfer(NodeID)
    case status

    static func parse(name: String, _ args: [String]) -> Result<MembershipRequest, NodeOptionError> {
        func arity() -> Result<MembershipRequest, NodeOptionError> {
            .failure(NodeOptionError("ERR wrong number of arguments for '\(name)' command"))
        }
        func address(_ text: String) -> Result<NodeAddress, NodeOptionError> {
            do { return .success(try NodeAddress(parsing: text)) } catch { return .failure(NodeOptionError("ERR \(error.description)")) }
        }
        func nodeID(_ text: String) -> Result<NodeID, NodeOptionError> {
            text.isEmpty ? .failure(NodeOptionError("ERR node id must not be empty")) : .success(NodeID(text))
        }
        switch name {
        case "raft.status":
            return args.isEmpty ? .success(.status) : arity()
        case "raft.add", "add_node":
            guard args.count == 2 else { return arity() }
            return nodeID(args[0]).flatMap { id in address(args[1]).map { .add(id, $0) } }
        case "raft.join":
            guard args.count == 2 || (args.count == 3 && args[2].uppercased() == "OVERWRITE") else { return arity() }
            return nodeID(args[0]).flatMap { id in address(args[1]).map { .join(id, $0, overwrite: args.count == 3) } }
        case "raft.remove", "del_node":
            guard args.count == 1 else { return arity() }
            return nodeID(args[0]).map { .remove($0) }
        case "raft.transfer":
            guard args.count == 1 else { return arity() }
            return nodeID(args[0]).map { .transfer($0) }
        default:
            return .failure(NodeOptionError("ERR unknown command '\(name)'"))
        }
    }
}

extension RaftServerOptions {
    /// An -e list that does not name this node (by id or by address) means "join through
    /// these members" rather than "found a cluster with them".
    public static func isJoin(ensemble: [NodeID: NodeAddress], id: NodeID, address: NodeAddress) -> Bool {
        !ensemble.isEmpty && ensemble[id] == nil && !ensemble.values.contains(address)
    }
}
