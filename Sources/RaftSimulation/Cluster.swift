// An in-memory cluster of RaftNode cores driven by a seeded scheduler. Each node has a "disk"
// that holds only what a Ready made durable; a crash loses everything else. The shell logic here
// follows the order documented on `Ready` exactly, as a real node must.

import RaftCore

/// What one node's stable storage holds.
struct Disk {
    var hardState = HardState()
    var snapshot: SnapshotMetadata? = nil
    /// Entries after the snapshot, contiguous.
    var entries: [Entry] = []

    mutating func write(_ rd: Ready) {
        if let s = rd.snapshot {
            snapshot = s
            entries = []
        }
        if let first = rd.entries.first {
            let base = snapshot?.index.rawValue ?? 0
            let keep = Int(min(UInt64(entries.count), first.index.rawValue &- base &- 1))
            if keep < entries.count { entries.removeSubrange(keep...) }
            entries.append(contentsOf: rd.entries)
        }
        if let hs = rd.hardState { hardState = hs }
    }

    mutating func compact(_ s: SnapshotMetadata) {
        let drop = Int(min(UInt64(entries.count), s.index.rawValue &- (snapshot?.index.rawValue ?? 0)))
        entries.removeFirst(drop)
        snapshot = s
    }

    var restored: RaftRestoredState { RaftRestoredState(hardState: hardState, snapshot: snapshot, entries: entries) }
}

/// A class, so that the simulation mutates each core in place (copying a core per step would
/// dominate the run time of a debug build).
final class SimNode {
    let id: NodeID
    /// Meaningful only while running; a crash keeps the dead core until the restart replaces it.
    var core: RaftNode
    var isRunning = false
    var incarnation = 0
    var disk = Disk()
    /// The Ready handed out and not yet durable (at most one at a time).
    var pending: Ready? = nil
    /// The state machine: everything up to here is applied (contents are checked globally).
    var applied: LogIndex = .zero
    var lastCommit: LogIndex = .zero
    var lastSoftState: SoftState? = nil
    init(id: NodeID, core: RaftNode) {
        self.id = id
        self.core = core
    }
}

public final class Cluster {
    static let unitsPerTick: UInt64 = 10

    let options: SimulationOptions
    var rng: SplitMix64
    var nodes: [SimNode]
    var indexOf: [NodeID: Int] = [:]
    var network: Network
    var queue = EventQueue()
    var now: UInt64 = 0
    var ticks = 0
    var checker = InvariantChecker()
    var transcript = Transcript(capacity: 80)
    let initialConfiguration: Configuration
    /// Outstanding reads: who asked, and the highest index applied anywhere when they asked
    /// (a linearizable read must reflect at least that).
    var reads: [UInt64: (node: Int, atLeast: LogIndex)] = [:]
    var nextRequestID: UInt64 = 1
    var nextProposal = 1

    // Statistics.
    public internal(set) var steps = 0
    public internal(set) var proposalsAccepted = 0
    public internal(set) var readsServed = 0
    public internal(set) var snapshotsInstalled = 0
    public internal(set) var membershipChanges = 0

    init(options: SimulationOptions) {
        self.options = options
        self.rng = SplitMix64(seed: options.seed ^ 0x5EED_C1A5_7E12_0001)
        let ids = (1...options.nodeCount).map { NodeID("n\($0)") }
        let placeholder = RaftNode(config: RaftConfig(id: "-", randomSeed: 0), restored: RaftRestoredState(), initialConfiguration: Configuration())
        self.nodes = ids.map { SimNode(id: $0, core: placeholder) }
        for (i, id) in ids.enumerated() { indexOf[id] = i }
        self.network = Network(nodeCount: options.nodeCount)
        self.network.conditions.maxDelay = options.maxDelay
        self.initialConfiguration = Configuration(voters: Set(ids.prefix(options.initialVoters)))
        for i in nodes.indices { start(i) }
        queue.push(at: 0, .clock)
    }

    func coreConfig(_ i: Int) -> RaftConfig {
        var c = RaftConfig(id: nodes[i].id, randomSeed: options.seed &* 0x9E37_79B9_7F4A_7C15 ^ UInt64(i) ^ (UInt64(nodes[i].incarnation) << 32))
        c.electionTick = options.electionTick
        c.preVote = options.preVote
        c.checkQuorum = options.checkQuorum
        c.maxInflightAppends = options.maxInflightAppends
        c.maxEntriesPerAppend = options.maxEntriesPerAppend
        c.faults = options.faults
        return c
    }

    /// Boots (or reboots) node `i` from its disk.
    func start(_ i: Int) {
        let initial = i < options.initialVoters ? initialConfiguration : Configuration()
        let core = RaftNode(config: coreConfig(i), restored: nodes[i].disk.restored, initialConfiguration: initial)
        nodes[i].core = core
        nodes[i].isRunning = true
        nodes[i].pending = nil
        nodes[i].applied = nodes[i].disk.snapshot?.index ?? .zero
        nodes[i].lastCommit = core.commitIndex
        nodes[i].lastSoftState = nil
    }

    func crash(_ i: Int) {
        nodes[i].isRunning = false
        nodes[i].pending = nil
        nodes[i].incarnation += 1
        for (rid, r) in reads where r.node == i { reads[rid] = nil }
        transcript.record(.action(time: now, "\(nodes[i].id) CRASHED (unpersisted state lost)"))
    }

    func restart(_ i: Int) {
        start(i)
        transcript.record(.action(time: now, "\(nodes[i].id) restarted at term \(nodes[i].disk.hardState.term), log to \(nodes[i].core.lastIndex)"))
    }

    // MARK: driving the cores

    /// Feeds one input to node `i`'s core, then checks the invariants and pumps its Ready.
    func input(_ i: Int, _ body: (inout RaftNode) throws(Violation) -> Void) throws(Violation) {
        let node = nodes[i]
        guard node.isRunning else { return }
        try body(&node.core)
        steps += 1
        try afterStep(i)
    }

    func afterStep(_ i: Int) throws(Violation) {
        let node = nodes[i]
        guard node.isRunning else { return }
        let id = node.id
        let now = Cluster.summary(&node.core)
        if now.role == .leader, try checker.observeLeader(node: id, term: now.term) {
            try checker.checkLeaderCompleteness(node: id, term: now.term, core: node.core)
        }
        guard now.commit >= node.lastCommit else {
            throw Violation(rule: "Commit Monotonicity", detail: "\(id) commit went from \(node.lastCommit) to \(now.commit)")
        }
        node.lastCommit = now.commit
        try pumpReady(i)
    }

    /// Reads through an inout access: in a debug build, reading a computed property of a core
    /// stored in a class would otherwise copy the whole core first.
    static func summary(_ core: inout RaftNode) -> (role: Role, term: Term, commit: LogIndex) {
        (core.role, core.term, core.commitIndex)
    }

    static func takeReady(_ core: inout RaftNode, dropped: inout [UInt64]) -> (Ready, Term?)? {
        dropped = core.takeDroppedReads()
        guard core.hasReady else { return nil }
        let rd = core.ready()
        return (rd, rd.entries.first.flatMap { core.term(at: $0.index.previous) })
    }

    func pumpReady(_ i: Int) throws(Violation) {
        let node = nodes[i]
        guard node.pending == nil, node.isRunning else { return }
        var dropped: [UInt64] = []
        let taken = Cluster.takeReady(&node.core, dropped: &dropped)
        for rid in dropped { reads[rid] = nil }
        guard let (rd, prevTerm) = taken else { return }
        if let s = rd.softState {
            transcript.record(.role(time: now, node: nodes[i].id, s))
        }
        try checker.observeAppended(node: nodes[i].id, entries: rd.entries, previousTerm: prevTerm)
        nodes[i].pending = rd
        send(rd.messages, from: i)
        // The write takes a little while; a crash before it completes loses the whole batch.
        queue.push(at: now + 1 + UInt64(rng.below(3)), .persisted(node: i, incarnation: nodes[i].incarnation))
    }

    func persisted(_ i: Int, incarnation: Int) throws(Violation) {
        guard nodes[i].incarnation == incarnation, nodes[i].isRunning, let rd = nodes[i].pending else { return }
        let id = nodes[i].id
        nodes[i].disk.write(rd)
        send(rd.messagesAfterPersist, from: i)
        if let s = rd.snapshot {
            try checker.observeSnapshotInstalled(node: id, s)
            nodes[i].applied = s.index
            snapshotsInstalled += 1
        }
        for e in rd.committedEntries {
            try checker.observeApplied(node: id, entry: e, expectedIndex: nodes[i].applied.next)
            nodes[i].applied = e.index
        }
        for rs in rd.readStates {
            guard let r = reads.removeValue(forKey: rs.requestID) else { continue }
            guard r.node == i else {
                throw Violation(rule: "ReadIndex", detail: "read #\(rs.requestID) of \(nodes[r.node].id) answered on \(id)")
            }
            guard rs.index >= r.atLeast else {
                throw Violation(
                    rule: "Linearizable Read",
                    detail: "read #\(rs.requestID) on \(id) got index \(rs.index), but \(r.atLeast) was applied before it was issued")
            }
            readsServed += 1
        }
        transcript.record(.persisted(time: now, node: id, entries: rd.entries.count, hardState: rd.hardState, applied: nodes[i].applied, afterPersist: rd.messagesAfterPersist.count))
        nodes[i].pending = nil
        try input(i) { (core: inout RaftNode) in core.advance(rd) }
        maybeTakeSnapshot(i)
    }

    /// Now and then the shell snapshots its state machine and lets the core compact the log.
    func maybeTakeSnapshot(_ i: Int) {
        let node = nodes[i]
        guard options.snapshots, node.isRunning else { return }
        let last = node.core.snapshot?.index ?? .zero
        guard node.applied.rawValue >= last.rawValue + 8, rng.below(4) == 0 else { return }
        let index = node.applied
        let meta = SnapshotMetadata(index: index, term: node.core.term(at: index) ?? .zero, configuration: node.core.configuration(at: index))
        node.core.snapshotTaken(meta)
        if let s = node.core.snapshot, s.index == index {
            node.disk.compact(s)
        }
    }

    func send(_ messages: [Message], from i: Int) {
        for m in messages {
            guard let to = indexOf[m.to] else { continue }
            if network.isBlocked(from: i, to: to) {
                transcript.record(.drop(time: now, m, reason: "partition"))
                continue
            }
            for d in network.deliveryDelays(&rng) {
                queue.push(at: now + d, .deliver(Envelope(message: m, from: i, to: to)))
            }
        }
    }

    func deliver(_ env: Envelope) throws(Violation) {
        guard nodes[env.to].isRunning else { return }
        if network.isBlocked(from: env.from, to: env.to) {
            transcript.record(.drop(time: now, env.message, reason: "partition"))
            return
        }
        transcript.record(.deliver(time: now, env.message))
        try input(env.to) { (core: inout RaftNode) in core.step(env.message) }
    }

    // MARK: helpers for scenarios

    /// The running leader with the highest term, if any.
    var leaderIndex: Int? {
        var best: Int? = nil
        var bestTerm = Term.zero
        for i in nodes.indices {
            let n = nodes[i]
            guard n.isRunning else { continue }
            let s = Cluster.summary(&n.core)
            guard s.role == .leader else { continue }
            if best == nil || s.term > bestTerm {
                best = i
                bestTerm = s.term
            }
        }
        return best
    }

    var runningIndices: [Int] { nodes.indices.filter { nodes[$0].isRunning } }
    var crashedIndices: [Int] { nodes.indices.filter { !nodes[$0].isRunning } }
}
