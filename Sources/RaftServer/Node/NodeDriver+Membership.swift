import Logging
import NIOCore
import PeerWire
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
    var queuedChanges: [(change: ConfChange, then: @Sendable () -> RESPValue, promise: EventLoopPromise<RESPValue>, deadline: NIODeadline)] = []
    var announcedRemoval = false
    /// This node's latest configuration has members but not this node (and it is not joining).
    var removed = false
}

extension NodeDriver {
    // MARK: duties, every tick

    /// Called once from `start()`.
    func startMembershipDuties() {
        loop.preconditionInEventLoop()
        if !options.join.isEmpty {
            if raft.lastIndex == .zero && raft.snapshot == nil {
                if options.joinEnsemble.isEmpty {
                    membership.joining = true
                    logger.info("joining the cluster through \(options.join.map(\.description).joined(separator: ", "))")
                } else {
                    startProbing()  // join, or found together: NodeDriver+StaticBootstrap.swift
                }
            } else {
                logger.info("restarting with persisted state (last index \(raft.lastIndex)): not joining again")
            }
        }
        // Then every tick, on the driver's one timer (`NodeDriver.start`); the first at once.
        loop.execute { [self] in
            guard !stopped else { return }
            membershipTick(now: .now())
        }
    }

    /// Called from `stop()`: answers whatever waits, so no promise is left behind.
    func stopMembershipDuties() {
        membership.joinLink?.close()
        membership.joinLink = nil
        stopProbing()
        let e = RESPValue.error("TRYAGAIN node is shutting down")
        for q in membership.queuedChanges { q.promise.succeed(e) }
        for t in membership.transfers { t.promise.succeed(e) }
        membership.queuedChanges = []
        membership.transfers = []
    }

    func membershipTick(now: NIODeadline) {
        let conf = raft.configuration
        if staticBootstrap.probing { probeTick(now: now) }
        if membership.joining { joinTick(now: now, conf: conf) }
        retryQueuedChanges(now: now)
        if raft.role == .leader && membership.queuedChanges.isEmpty { promoteCaughtUpLearner(conf) }
        resolveTransfers(now: now)
        membership.removed = !conf.members.isEmpty && !conf.members.contains(options.id) && !membership.joining && !staticBootstrap.probing
        if membership.removed {
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
        let args = request.map { Array($0.utf8) }
        let (id, answer) = awaitRelayReply(args, timeout: .seconds(3))
        membership.joinInFlight = true
        membership.joinLink?.send(.forwardRequest(ForwardRequest(requestID: id, kind: .write, args: args)))
        membership.joinLink?.flush()
        answer.whenSuccess { [self] reply in
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

    func resolveTransfers(now: NIODeadline) {
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
}
