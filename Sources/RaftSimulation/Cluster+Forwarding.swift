// Follower forwarding in the simulation: a client may write to any node; a follower relays the
// write through its shell (`NodeShell.forward`), the simulated link carries it to the leader,
// whose shell proposes it like a local write, and the leader's answer travels back to the
// follower's shell (`forwardAnswered`), which hands it to the client. A crashed leader closes
// its links (`linkClosed`), so the follower's shell answers what it relayed there at once.
// Relays ride a connection: lost on a cut link, delayed and reordered, never duplicated.

import RaftCore
import RaftShell

/// A write relayed from follower `from` (its shell's relay `id`) that leader `leader` holds
/// under its own request token.
struct HeldRelay {
    var leader: Int
    var from: Int
    var fromIncarnation: Int
    var id: UInt64
    var data: [UInt8]
}

struct RelayEnvelope {
    enum Body {
        /// The write's data, follower → leader.
        case request([UInt8])
        /// The leader's answer, leader → follower: `ok:<index>`, `ok` (no index known) or `err:...`.
        case reply([UInt8])
    }
    var from: Int
    var to: Int
    /// The follower's relay id and incarnation (a reply to a previous life is dropped: its
    /// shell's relay ids started again).
    var id: UInt64
    var followerIncarnation: Int
    var body: Body
}

extension Cluster {
    /// A client write sent to node `i`: proposed there if it leads, relayed to the leader it
    /// knows otherwise (as the NIO node's `write` does); when it knows none, the write waits in
    /// its shell for an election to end (`awaitLeader`), then comes back as `.resubmit`.
    func clientWrite(_ data: [UInt8], token: RequestToken, to i: Int) throws(Violation) {
        writes[token] = data
        writeOwners[token] = i
        let s = Cluster.summary(&nodes[i].shell.core)
        if s.role == .leader {
            try drive(i) { (shell: inout NodeShell) in
                shell.write(data, token: token)
                return []
            }
            return
        }
        guard let leader = Cluster.leader(&nodes[i].shell.core), leader != nodes[i].id else {
            leaderWaitWrites += 1
            waitedForLeader.insert(token)
            transcript.record(.action(time: now, "\(nodes[i].id) knows no leader: write #\(token) waits for one"))
            try drive(i) { (shell: inout NodeShell) in shell.awaitLeader(token, now: shellNow) }
            return
        }
        try drive(i) { (shell: inout NodeShell) in shell.forward(token, to: leader, now: shellNow) }
    }

    /// `.resubmit`: a write that waited for a leader goes the usual way now that one is known
    /// (in the middle of the actions being performed, so queued or relayed, never a new step).
    func resubmit(_ token: RequestToken, leader: NodeID, on i: Int) throws(Violation) {
        guard let data = writes[token] else { return }
        transcript.record(.action(time: now, "\(nodes[i].id) learned leader \(leader): write #\(token) resubmitted"))
        if leader == nodes[i].id {
            nodes[i].shell.write(data, token: token)  // proposed at this node's next Ready
        } else {
            try perform(nodes[i].shell.forward(token, to: leader, now: shellNow), on: i)
        }
    }

    /// A write was acknowledged: one that first waited for a leader is counted.
    func countAcknowledged(_ token: RequestToken) {
        if waitedForLeader.remove(token) != nil { leaderWaitAcknowledged += 1 }
    }

    /// The keys clients write and read.
    static let keys: [UInt8] = Array("abc".utf8)

    /// `.forward`: the write's data goes to `leader` over the simulated link.
    func relay(_ token: RequestToken, id: UInt64, from i: Int, to leader: NodeID) {
        guard let data = writes[token], let to = indexOf[leader] else { return }
        forwardedWrites += 1
        transcript.record(.action(time: now, "\(nodes[i].id) relays write #\(token) to \(leader) as relay \(id)"))
        sendRelay(RelayEnvelope(from: i, to: to, id: id, followerIncarnation: nodes[i].incarnation, body: .request(data)))
    }

    func sendRelay(_ env: RelayEnvelope) {
        guard !network.isBlocked(from: env.from, to: env.to) else { return }
        guard let d = network.deliveryDelays(&rng).first else { return }
        queue.push(at: now + d, .relay(env))
    }

    func deliverRelay(_ env: RelayEnvelope) throws(Violation) {
        guard nodes[env.to].isRunning, !network.isBlocked(from: env.from, to: env.to) else { return }
        switch env.body {
        case .request(let data):
            let j = env.to
            let held = HeldRelay(leader: j, from: env.from, fromIncarnation: env.followerIncarnation, id: env.id, data: data)
            guard Cluster.summary(&nodes[j].shell.core).role == .leader else {
                answerRelay(held, "err:this node is no longer the leader")
                return
            }
            let token = nextRequestID
            nextRequestID += 1
            relaysHeld[token] = held
            try drive(j) { (shell: inout NodeShell) in
                shell.write(data, token: token)
                return []
            }
        case .reply(let bytes):
            guard nodes[env.to].incarnation == env.followerIncarnation else { return }
            try drive(env.to) { (shell: inout NodeShell) in shell.forwardAnswered(id: env.id, reply: bytes) }
        }
    }

    func answerRelay(_ held: HeldRelay, _ text: String) {
        sendRelay(RelayEnvelope(from: held.leader, to: held.from, id: held.id, followerIncarnation: held.fromIncarnation, body: .reply(Array(text.utf8))))
    }

    /// `.forwardedReply` on the follower: what the client hears.
    func forwardedReplyArrived(_ token: RequestToken, _ bytes: [UInt8]) {
        guard let data = writes.removeValue(forKey: token) else { return }
        writeOwners[token] = nil
        let text = String(decoding: bytes, as: UTF8.self)
        guard text.hasPrefix("ok") else { return }  // a refusal: the client retries elsewhere
        let index: LogIndex? = UInt64(String(text.dropFirst(3))).map { LogIndex($0) }
        acknowledged.append((data: data, index: index))
        countAcknowledged(token)
    }

    /// Node `j` crashed: what it held for followers dies with it, and every follower's link to
    /// it closes (kill -9 closes the sockets at once).
    func closeLinks(to j: Int) throws(Violation) {
        for (token, held) in relaysHeld where held.leader == j { relaysHeld[token] = nil }
        let id = nodes[j].id
        for i in runningIndices where i != j {
            try drive(i) { (shell: inout NodeShell) in shell.linkClosed(to: id) }
        }
    }
}
