import Logging
import NIOCore
import PeerWire
import RESP
import RaftCore
import RaftShell

// pyraft's static ensemble: every node is started with an -e list of the *other* nodes
// (`-i 1 -e 2/IP:5020,3/IP:5030`, and the matching lines for 2 and 3), in any order and at any
// pace. Such a list reads two ways: "join the cluster these members run" (pyraft's dynamic flow)
// or "found a cluster with them". A fresh node tells them apart by asking every listed member,
// over its peer port, `RAFT.PROBE`:
//
// - a member that runs a cluster (and has moved past its founding entries) → this node joins it
//   through the listed members (NodeDriver+Membership.swift);
// - every member is new and proposes the same member set (its own -e plus itself, matched by
//   address; a bare IP:PORT learns its id from the member's answer), or was founded with exactly
//   that set and has done nothing since → this node founds the cluster with that set, as an
//   -e that lists every founder does (etcd's initial cluster): all founders write the same
//   bootstrap entries, so their logs agree and nothing was ever decided twice;
// - anything else (a member missing, silent, or proposing another set) → wait and ask again.
//
// Bootstrapping needs *every* listed member's agreement, not a majority's: a member that already
// runs a cluster (say, started alone without -e) must be heard, or two clusters could form side
// by side. A node with persisted state never probes (it restarts as the member it was).

/// The driver's probing bookkeeping; on the driver's loop only.
struct StaticBootstrapState {
    var probing = false
    var links: [NodeAddress: PeerLink] = [:]
    var inFlight: Set<NodeAddress> = []
    var answers: [NodeAddress: (answer: ProbeAnswer, at: NIODeadline)] = [:]
    var nextRound = NIODeadline.uptimeNanoseconds(0)
    var lastWaitReason: String? = nil
}

/// What a member says about itself in answer to RAFT.PROBE.
enum ProbeAnswer: Equatable {
    /// New, probing too: its id and address, and the members it proposes (nil id: a bare address).
    case pending(id: NodeID, address: NodeAddress, proposal: [NodeAddress: NodeID?])
    /// In a cluster; `founding` when its log holds only the bootstrap entries of `members`.
    case cluster(founding: Bool, members: [NodeAddress: NodeID])
    /// Joining a cluster, or anything this node cannot use.
    case other(String)
}

extension NodeDriver {
    /// The set this node proposes: its -e list plus itself, by client address.
    var staticProposal: [NodeAddress: NodeID?] {
        var p: [NodeAddress: NodeID?] = [:]
        for (id, a) in options.joinEnsemble { p[a] = id.rawValue == a.description ? nil : id }
        p[options.clientAddress] = options.id
        return p
    }

    /// RAFT.PROBE, answered by any node about itself (never relayed).
    func probeReply() -> RESPValue {
        let conf = raft.configuration
        if !conf.members.isEmpty {
            // Only the bootstrap entries (term 0, one per member) and no vote yet: still founding.
            let founding = raft.term == .zero && raft.snapshot == nil && raft.lastIndex == LogIndex(UInt64(conf.members.count))
            var out: [RESPValue] = [.bulk("cluster"), .bulk(founding ? "founding" : "running")]
            for id in conf.members.sorted() {
                guard let a = conf.addresses[id] else { continue }
                out += [.bulk(id.rawValue), .bulk(Self.clientAddress(ofPeer: a))]
            }
            return .array(out)
        }
        guard staticBootstrap.probing else { return .array([.bulk("joining")]) }
        var out: [RESPValue] = [.bulk("pending"), .bulk(options.id.rawValue), .bulk(options.clientAddress.description)]
        for (a, id) in staticProposal.sorted(by: { $0.key.description < $1.key.description }) {
            out.append(.bulk(id.map { "\($0)/\(a)" } ?? a.description))
        }
        return .array(out)
    }

    static func parseProbe(_ reply: RESPValue) -> ProbeAnswer {
        guard case .array(let items?) = reply, let kind = items.first?.stringValue else {
            if case .error(let e) = reply { return .other(e) }
            return .other("unexpected answer")
        }
        let words = items.dropFirst().compactMap(\.stringValue)
        switch kind {
        case "pending" where words.count >= 2:
            guard let address = try? NodeAddress(parsing: words[1]) else { return .other("bad address") }
            var proposal: [NodeAddress: NodeID?] = [:]
            for item in words.dropFirst(2) {
                guard let parsed = try? RaftServerOptions.parseEnsemble(item), let (id, a) = parsed.first else { return .other("bad proposal") }
                proposal[a] = id.rawValue == a.description ? nil : id
            }
            return .pending(id: NodeID(words[0]), address: address, proposal: proposal)
        case "cluster" where words.count % 2 == 1:
            var members: [NodeAddress: NodeID] = [:]
            for k in stride(from: 1, to: words.count, by: 2) {
                guard let a = try? NodeAddress(parsing: words[k + 1]) else { return .other("bad member address") }
                members[a] = NodeID(words[k])
            }
            return .cluster(founding: words[0] == "founding", members: members)
        default:
            return .other(kind)
        }
    }

    /// Called from `start()` for a fresh node whose -e does not list it.
    func startProbing() {
        staticBootstrap.probing = true
        logger.info("static ensemble \(options.joinEnsemble.values.map(\.description).sorted().joined(separator: ", ")): asking each member whether it runs a cluster (join it) or is new too (found one together once every member agrees)")
    }

    func stopProbing() {
        staticBootstrap.probing = false
        for l in staticBootstrap.links.values { l.close() }
        staticBootstrap.links = [:]
    }

    /// Every tick while probing: ask each member at most once per 300 ms, then decide.
    func probeTick(now: NIODeadline) {
        guard now >= staticBootstrap.nextRound else { return }
        staticBootstrap.nextRound = now + .milliseconds(300)
        for a in Set(options.joinEnsemble.values) where !staticBootstrap.inFlight.contains(a) {
            let via = options.joinEnsemble.first { $0.value == a }.flatMap { options.peerVia[$0.key] }
            let link = staticBootstrap.links[a] ?? PeerLink(peer: NodeID("probe@\(a)"), address: via ?? a.peerAddress, transport: transport)
            staticBootstrap.links[a] = link
            let args = [Array("RAFT.PROBE".utf8)]
            let (id, answer) = awaitRelayReply(args, timeout: .seconds(1))
            staticBootstrap.inFlight.insert(a)
            link.send(.forwardRequest(ForwardRequest(requestID: id, kind: .read, args: args)))
            link.flush()
            answer.whenSuccess { [self] reply in
                staticBootstrap.inFlight.remove(a)
                guard staticBootstrap.probing else { return }
                staticBootstrap.answers[a] = (Self.parseProbe(reply), .now())
                decideStaticBootstrap()
            }
        }
    }

    /// Joins, founds, or keeps waiting, from the members' recent answers.
    private func decideStaticBootstrap() {
        let now = NIODeadline.now()
        let members = Set(options.joinEnsemble.values)
        let mine = staticProposal
        var resolved: [NodeAddress: NodeID] = [options.clientAddress: options.id]
        var waitingFor: [String] = []
        for a in members.sorted(by: { $0.description < $1.description }) {
            guard let (answer, at) = staticBootstrap.answers[a], now - at < .seconds(2) else {
                waitingFor.append("\(a) (no answer yet)")
                continue
            }
            switch answer {
            case .cluster(let founding, let theirs):
                if founding && Self.sameSet(mine, theirs.mapValues { Optional($0) }) && theirs[options.clientAddress] == options.id {
                    for (ma, mid) in theirs { resolved[ma] = mid }
                } else {
                    logger.info("\(a) already runs a cluster (members \(theirs.values.map(\.rawValue).sorted())): joining it")
                    stopProbing()
                    shell.startJoining(targets: options.join.count)
                    return
                }
            case .pending(let id, let address, let theirs):
                guard address == a, Self.sameSet(mine, theirs), mine[a].map({ $0 == nil || $0 == id }) ?? false else {
                    waitingFor.append("\(a) (proposes another ensemble: \(theirs.map { "\($0.value?.rawValue ?? "?")/\($0.key)" }.sorted().joined(separator: ",")))")
                    continue
                }
                resolved[a] = id
            case .other(let what):
                waitingFor.append("\(a) (\(what))")
            }
        }
        guard waitingFor.isEmpty, resolved.count == mine.count, Set(resolved.values).count == resolved.count else {
            let reason = waitingFor.joined(separator: ", ")
            if reason != staticBootstrap.lastWaitReason {
                staticBootstrap.lastWaitReason = reason
                logger.info("static ensemble: waiting for \(reason)")
            }
            return
        }
        foundStaticCluster(resolved)
    }

    /// Same addresses, and no id named on both sides differently.
    static func sameSet(_ a: [NodeAddress: NodeID?], _ b: [NodeAddress: NodeID?]) -> Bool {
        guard Set(a.keys) == Set(b.keys) else { return false }
        for (addr, id) in a {
            if let id, let other = b[addr] ?? nil, other != id { return false }
        }
        return true
    }

    /// Every member agreed: start the core with the founding configuration, exactly as an -e
    /// listing every founder would have (same bootstrap entries on every founder).
    private func foundStaticCluster(_ members: [NodeAddress: NodeID]) {
        stopProbing()
        var c = Configuration(voters: Set(members.values))
        for (a, id) in members { c.addresses[id] = a.peerAddress.description }
        logger.info("static ensemble: every member is new and agrees; founding the cluster with \(members.map { "\($0.value)/\($0.key)" }.sorted().joined(separator: ","))")
        shell = NodeShell(core: RaftNode(config: coreConfig, restored: RaftRestoredState(), initialConfiguration: c), config: shell.config)
        refreshPeerLinks()
        publishStatus()
        scheduleReady()
    }
}
