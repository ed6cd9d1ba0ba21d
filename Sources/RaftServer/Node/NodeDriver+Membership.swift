import Logging
import NIOCore
import PeerWire
import RESP
import RaftCore
import RaftShell

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

/// The driver's membership bookkeeping (its I/O side); touched on the driver's loop only. The
/// join schedule, queued changes and transfer waits are the shell's (NodeShell+Membership.swift).
struct MembershipState {
    var joinLink: PeerLink? = nil
    var lastJoinError: String? = nil
    /// The members' peer addresses, learned from the join answer; dialed until the log names us.
    var joinDial: [NodeID: NodeAddress] = [:]
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
                    shell.startJoining(targets: options.join.count)
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

    /// Called from `stop()` (the shell's `stop` answers the changes and transfers that wait).
    func stopMembershipDuties() {
        membership.joinLink?.close()
        membership.joinLink = nil
        stopProbing()
    }

    /// Whether this node is asking to be admitted (the shell's join schedule runs).
    var isJoining: Bool { shell.joinSchedule != nil }

    /// The driver's own membership duties, each tick after the shell's (which retries queued
    /// changes, ends transfers and schedules join requests).
    func membershipTick(now: NIODeadline) {
        let conf = raft.configuration
        if staticBootstrap.probing { probeTick(now: now) }
        if raft.role == .leader && shell.queuedConfChangeCount == 0 { promoteCaughtUpLearner(conf) }
        membership.removed = !conf.members.isEmpty && !conf.members.contains(options.id) && !isJoining && !staticBootstrap.probing
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

    /// `.joined`: the log names this node.
    func joined(asVoter: Bool) {
        membership.joinLink?.close()
        membership.joinLink = nil
        logger.info("joined the cluster as a \(asVoter ? "voter" : "learner")")
        refreshPeerLinks()
    }

    /// `.joinUnreached`: admitted, yet no leader has sent us the log: it cannot reach the address we gave.
    func warnJoinUnreached() {
        logger.warning("admitted, but no leader has reached this node at \(options.clientAddress.peerAddress) for 10 s: is -a an address the other members can connect to?")
    }

    /// `.sendJoinRequest`: asks member `options.join[target]` over a link of our own.
    func sendJoinRequest(to index: Int) {
        guard options.join.indices.contains(index) else { return }
        let target = options.join[index]
        if membership.joinLink?.address != target.peerAddress {
            membership.joinLink?.close()
            membership.joinLink = PeerLink(peer: NodeID("join@\(target)"), address: target.peerAddress, transport: transport)
        }
        var request = ["RAFT.JOIN", options.id.rawValue, options.clientAddress.description]
        if options.overwritePeer { request.append("OVERWRITE") }
        let args = request.map { Array($0.utf8) }
        let (id, answer) = awaitRelayReply(args, timeout: .seconds(3))
        membership.joinLink?.send(.forwardRequest(ForwardRequest(requestID: id, kind: .write, args: args)))
        membership.joinLink?.flush()
        answer.whenSuccess { [self] reply in
            guard !stopped else { return }
            shell.joinAnswered(admitted: joinAnswered(reply, via: target), now: Self.monotonicMillis())
        }
    }

    /// Reads a join answer: whether it admitted us (the members, which we then dial).
    private func joinAnswered(_ reply: RESPValue, via target: NodeAddress) -> Bool {
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
            return true
        }
        let text: String
        if case .error(let e) = reply { text = e } else { text = "unexpected answer \(reply)" }
        if text != membership.lastJoinError {
            logger.warning("join via \(target) refused: \(text)")
            membership.lastJoinError = text
        }
        return false
    }

    /// `.transferEnded`: the words of each outcome.
    static func reply(for outcome: TransferOutcome, target: NodeID) -> RESPValue {
        switch outcome {
        case .completed: .ok
        case .movedTo(let l): .error("TRYAGAIN leadership moved to \(l), not \(target)")
        case .abandoned: .error("TRYAGAIN leadership transfer to \(target) did not complete")
        case .timedOut: .error("TRYAGAIN leadership transfer to \(target) timed out")
        }
    }
}
