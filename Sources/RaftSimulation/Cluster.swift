// An in-memory cluster of nodes driven by a seeded scheduler. Each node is the real node's
// shell (RaftShell's NodeShell, the same value the NIO node drives) around its core, with a
// "disk" that holds only what a `.persist` made durable; a crash loses everything else. Clients
// write and read through the shell, so its group commit, held-back messages, proposal batches
// and ReadIndex rounds are what every seed exercises.

import RaftCore
import RaftShell

/// What one node's stable storage holds.
struct Disk {
    var hardState = HardState()
    var snapshot: SnapshotMetadata? = nil
    /// The state machine the snapshot holds (its file's contents).
    var snapshotState = StateDigest.empty
    /// Entries after the snapshot, contiguous.
    var entries: [Entry] = []
    /// The commit index as of the last synced write: a write without an fsync (`Ready.mustSync`
    /// false: only the commit index moved) may be lost in a crash, and the next synced write
    /// makes it durable.
    var syncedCommit = LogIndex.zero

    mutating func write(_ rd: Ready) {
        defer { if rd.mustSync { syncedCommit = hardState.commit } }
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

    /// Whether `e` is durable here: covered by the snapshot, or in the log at its index with its
    /// term (entries after the snapshot are contiguous, so this is one lookup).
    func holds(_ e: Entry) -> Bool {
        let base = snapshot?.index.rawValue ?? 0
        if e.index.rawValue <= base { return snapshot != nil }
        let k = Int(e.index.rawValue - base - 1)
        return k < entries.count && entries[k].index == e.index && entries[k].term == e.term
    }

    var restored: RaftRestoredState { RaftRestoredState(hardState: hardState, snapshot: snapshot, entries: entries) }
}

/// A class, so that the simulation mutates each core in place (copying a core per step would
/// dominate the run time of a debug build).
final class SimNode {
    let id: NodeID
    /// Meaningful only while running; a crash keeps the dead shell until the restart replaces it.
    var shell: NodeShell
    /// A copy of the core, for questions (mutate through `shell.core`).
    var core: RaftNode { shell.core }
    var isRunning = false
    var incarnation = 0
    var disk = Disk()
    /// The state machine: everything up to here is applied, and its digest (StateDigest.swift).
    var applied: LogIndex = .zero
    var state = StateDigest.empty
    /// Snapshots received from leaders (their files), by what they cover; and the files of
    /// InstallSnapshots delivered, which the shell may ask to receive.
    var receivedSnapshots: [SnapshotMetadata: UInt64] = [:]
    var arrivingSnapshots: [SnapshotMetadata: UInt64] = [:]
    var lastCommit: LogIndex = .zero
    var lastSoftState: SoftState? = nil
    init(id: NodeID, core: RaftNode) {
        self.id = id
        self.shell = NodeShell(core: core)
    }
}

public final class Cluster {
    static let unitsPerTick: UInt64 = 10

    let options: SimulationOptions
    var rng: SplitMix64
    /// The keys clients write and read, drawn apart from `rng` so that they do not change which
    /// events a seed schedules.
    var keyRng: SplitMix64
    var nodes: [SimNode]
    var indexOf: [NodeID: Int] = [:]
    var network: Network
    var queue = EventQueue()
    var now: UInt64 = 0
    var ticks = 0
    var checker = InvariantChecker()
    var agreement = StateAgreement()
    var transcript = Transcript(capacity: 80)
    let initialConfiguration: Configuration
    /// Outstanding reads: who asked, which key, and the highest index applied anywhere when they
    /// asked (a linearizable read must reflect at least that). ReadValues.swift checks answers.
    var reads: [UInt64: OutstandingRead] = [:]
    /// Each key's writes along the applied sequence: the reference for the values reads return.
    var keyHistory = KeyHistory()
    /// Writes sent and not yet answered: their data, by request token.
    var writes: [RequestToken: [UInt8]] = [:]
    /// Writes the shell acknowledged: every one must be applied after heal.
    var acknowledged: [(data: [UInt8], index: LogIndex?)] = []
    var nextRequestID: UInt64 = 1
    var nextProposal = 1
    /// Which node each unanswered write went to (a crash loses its answer).
    var writeOwners: [RequestToken: Int] = [:]
    /// Writes relayed to a leader, by the leader's request token (Cluster+Forwarding.swift).
    var relaysHeld: [RequestToken: HeldRelay] = [:]
    /// Writes sent to a node that knew no leader (they waited in its shell for one).
    var waitedForLeader: Set<RequestToken> = []

    // Statistics.
    public internal(set) var steps = 0
    public internal(set) var proposalsAccepted = 0
    public internal(set) var readsServed = 0
    public internal(set) var readValuesChecked = 0
    public internal(set) var snapshotsInstalled = 0
    public internal(set) var snapshotsTaken = 0
    public internal(set) var membershipChanges = 0
    public internal(set) var forwardedWrites = 0
    public internal(set) var leaderWaitWrites = 0
    public internal(set) var leaderWaitAcknowledged = 0

    init(options: SimulationOptions) {
        self.options = options
        self.rng = SplitMix64(seed: options.seed ^ 0x5EED_C1A5_7E12_0001)
        self.keyRng = SplitMix64(seed: options.seed ^ 0x0C1E_27C0_FFEE_0002)
        let ids = (1...options.nodeCount).map { NodeID("n\($0)") }
        let placeholder = RaftNode(config: RaftConfig(id: "-", randomSeed: 0), restored: RaftRestoredState(), initialConfiguration: Configuration())
        self.nodes = ids.map { SimNode(id: $0, core: placeholder) }
        for (i, id) in ids.enumerated() { indexOf[id] = i }
        self.network = Network(nodeCount: options.nodeCount)
        self.network.conditions.maxDelay = options.maxDelay
        self.initialConfiguration = Configuration(voters: Set(ids.prefix(options.initialVoters)))
        for i in nodes.indices { try? start(i) }  // empty disks: nothing to disagree about
        queue.push(at: 0, .clock)
        for i in nodes.indices {
            let phase = options.ticksInUnison ? 1 : 1 + UInt64(rng.below(Int(Cluster.unitsPerTick) - 1))
            queue.push(at: phase, .tick(node: i))
        }
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

    /// Boots (or reboots) node `i` from its disk: the state machine from its snapshot.
    func start(_ i: Int) throws(Violation) {
        let initial = i < options.initialVoters ? initialConfiguration : Configuration()
        let core = RaftNode(config: coreConfig(i), restored: nodes[i].disk.restored, initialConfiguration: initial)
        // A request that finds no leader waits out the worst election timeout and a vote round
        // (a tick is 100 ms of the shell's clock), as the NIO node's default does.
        let leaderWait = UInt64(options.electionTick * 2 + 5) * 100
        nodes[i].shell = NodeShell(core: core, config: ShellConfig(leaderWait: leaderWait, unsafeFaults: options.shellFaults, logMaxEntries: options.snapshots ? options.logMaxEntries : .max))
        nodes[i].isRunning = true
        nodes[i].applied = nodes[i].disk.snapshot?.index ?? .zero
        nodes[i].state = nodes[i].disk.snapshotState
        nodes[i].receivedSnapshots = [:]
        nodes[i].arrivingSnapshots = [:]
        try agreement.observe(node: nodes[i].id, index: nodes[i].applied, digest: nodes[i].state, how: "restarted from its snapshot")
        nodes[i].lastCommit = core.commitIndex
        nodes[i].lastSoftState = nil
    }

    func crash(_ i: Int) throws(Violation) {
        nodes[i].isRunning = false
        // A commit index written without an fsync survives every other crash of a node.
        if nodes[i].incarnation % 2 == 0 { nodes[i].disk.hardState.commit = nodes[i].disk.syncedCommit }
        nodes[i].incarnation += 1
        for (rid, r) in reads where r.node == i { reads[rid] = nil }
        for token in writeOwners.compactMap({ $0.value == i ? $0.key : nil }) { writes[token] = nil; writeOwners[token] = nil }
        transcript.record(.action(time: now, "\(nodes[i].id) CRASHED (unpersisted state lost)"))
        try closeLinks(to: i)
    }

    func restart(_ i: Int) throws(Violation) {
        try start(i)
        transcript.record(.action(time: now, "\(nodes[i].id) restarted at term \(nodes[i].disk.hardState.term), log to \(nodes[i].core.lastIndex)"))
    }

    // MARK: driving the cores

    /// The shell's clock: simulated time in milliseconds (a tick is 100 ms).
    var shellNow: UInt64 { now * 10 }

    /// Feeds one input to node `i`'s core, then checks the invariants and pumps its Ready.
    func input(_ i: Int, _ body: (inout RaftNode) throws(Violation) -> Void) throws(Violation) {
        let node = nodes[i]
        guard node.isRunning else { return }
        try body(&node.shell.core)
        steps += 1
        try afterStep(i)
    }

    /// Feeds one event to node `i`'s shell, performs what it asks, then checks and pumps.
    func drive(_ i: Int, _ body: (inout NodeShell) -> [ShellAction]) throws(Violation) {
        let node = nodes[i]
        guard node.isRunning else { return }
        let actions = body(&node.shell)
        try perform(actions, on: i)
        steps += 1
        try afterStep(i)
    }

    func afterStep(_ i: Int) throws(Violation) {
        let node = nodes[i]
        guard node.isRunning else { return }
        let id = node.id
        let now = Cluster.summary(&node.shell.core)
        if now.role == .leader, try checker.observeLeader(node: id, term: now.term) {
            try checker.checkLeaderCompleteness(node: id, term: now.term, core: node.shell.core)
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

    static func term(_ core: inout RaftNode, at index: LogIndex) -> Term? { core.term(at: index) }

    static func leader(_ core: inout RaftNode) -> NodeID? { core.leader }

    func pumpReady(_ i: Int) throws(Violation) {
        let node = nodes[i]
        guard node.isRunning, node.shell.hasWork else { return }
        try perform(node.shell.ready(now: shellNow), on: i)
    }

    /// Carries out a shell's actions in order, as the NIO node does, with the simulated disk,
    /// network and clients; every client-visible answer is checked here.
    func perform(_ actions: [ShellAction], on i: Int) throws(Violation) {
        let node = nodes[i]
        let id = node.id
        for action in actions {
            switch action {
            case .roleChanged(let ss):
                transcript.record(.role(time: now, node: id, ss))
            case .send(let messages):
                send(messages, from: i)
            case .persist(let p):
                let prevTerm = p.entries.first.flatMap { Cluster.term(&node.shell.core, at: $0.index.previous) }
                try checker.observeAppended(node: id, entries: p.entries, previousTerm: prevTerm)
                if let s = p.snapshot { try restoreReceived(s, on: i) }
                // The write takes a little while; a crash before it completes loses the whole batch.
                // One without an fsync is done at once, as the node does it on its loop.
                let jitter = 1 + UInt64(rng.below(3))
                let delay = p.mustSync ? jitter : 0
                queue.push(at: now + delay, .persisted(node: i, incarnation: node.incarnation))
            case .proposed(_, let count):
                proposalsAccepted += count
            case .apply(let entries, let replyTo):
                for e in entries {
                    try checker.observeApplied(node: id, entry: e, expectedIndex: node.applied.next)
                    keyHistory.observe(e)
                    node.applied = e.index
                    node.state = StateDigest.applying(e, to: node.state)
                    try agreement.observe(node: id, index: e.index, digest: node.state, how: "applied")
                    if let token = replyTo[e.index] { try acknowledge(token, entry: e, by: i) }
                }
            case .readStates:
                break  // the shell's own rounds come back as .serveRead
            case .serveRead(let token, let readIndex):
                guard let r = reads.removeValue(forKey: token) else { continue }
                guard r.node == i else {
                    throw Violation(rule: "ReadIndex", detail: "read #\(token) of \(nodes[r.node].id) answered on \(id)")
                }
                // What the client sees first: the value; then what the shell claims about it.
                try checkReadValue(token, r, on: i)
                guard readIndex >= r.atLeast, node.applied >= readIndex else {
                    throw Violation(
                        rule: "Linearizable Read",
                        detail: "read #\(token) on \(id) served at index \(readIndex) with \(node.applied) applied, but \(r.atLeast) was applied before it was issued")
                }
                readsServed += 1
            case .redirect(let token, let leader):
                // A write the core refused as not leading: relayed, as the NIO node does, unless
                // it was relayed here already (no forwarding loops while leadership moves).
                if let held = relaysHeld.removeValue(forKey: token) {
                    answerRelay(held, "err:this node is no longer the leader")
                } else if writes[token] != nil {
                    try perform(node.shell.forward(token, to: leader, now: shellNow), on: i)
                }
            case .refuse(let token, let why):
                // The client is told to retry; here it simply moves on.
                if let held = relaysHeld.removeValue(forKey: token) { answerRelay(held, "err:\(why)") }
                reads[token] = nil
                writes[token] = nil
                writeOwners[token] = nil
            case .acknowledgeUnsafely(let token):
                if let held = relaysHeld.removeValue(forKey: token) { answerRelay(held, "ok") }
                if let data = writes.removeValue(forKey: token) {
                    acknowledged.append((data, nil))
                    countAcknowledged(token)
                }
                writeOwners[token] = nil
            case .resubmit(let token, let leader):
                try resubmit(token, leader: leader, on: i)
            case .forward(let token, let id, let leader):
                relay(token, id: id, from: i, to: leader)
            case .forwardedReply(let token, let bytes):
                forwardedReplyArrived(token, bytes)
            case .confChangeProposed, .transferEnded, .sendJoinRequest, .joined, .joinUnreached:
                break  // the simulation's membership changes and transfers go to the core directly
            case .takeSnapshot(let meta):
                takeSnapshot(meta, on: i)
            case .receiveSnapshot(let meta):
                receiveSnapshot(meta, on: i)
            }
        }
    }

    /// A write answered as applied: its entry must already be durable on a majority of the
    /// voters that committed it (Figure 2's promise to the client), and stay applied forever.
    func acknowledge(_ token: RequestToken, entry e: Entry, by writer: Int) throws(Violation) {
        let held = relaysHeld.removeValue(forKey: token)
        guard let data = held?.data ?? writes.removeValue(forKey: token) else { return }
        writeOwners[token] = nil
        guard data == e.data else {
            throw Violation(rule: "Acknowledged Write", detail: "write #\(token) answered with the entry at \(e.index), which holds other data")
        }
        // A relayed write is acknowledged when its answer reaches the follower's client.
        if held == nil {
            acknowledged.append((data, e.index))
            countAcknowledged(token)
        }
        // The leader counted with the configuration of its log at the time, which may be the
        // one at the entry's index or a later one: a quorum of one of them must hold it.
        let configurations = Cluster.votersSince(&nodes[writer].shell.core, e.index)
        let holders = Set(nodes.filter { $0.disk.holds(e) }.map(\.id))
        let durable = configurations.contains { voters in voters.isEmpty || voters.intersection(holders).count >= voters.count / 2 + 1 }
        guard durable else {
            throw Violation(
                rule: "Acknowledged Write Durable",
                detail: "write #\(token) at \(e.index) acknowledged, but durable only on \(holders.map(\.rawValue).sorted()) (voters since: \(configurations.map { $0.map(\.rawValue).sorted() }))")
        }
        if let held { answerRelay(held, "ok:\(e.index.rawValue)") }
    }

    /// The voter sets of the configurations in force from `index` to the end of the log.
    static func votersSince(_ core: inout RaftNode, _ index: LogIndex) -> [Set<NodeID>] {
        var sets: [Set<NodeID>] = [core.configuration(at: index).voters]
        var j = index
        while j < core.lastIndex {
            j = j.next
            let v = core.configuration(at: j).voters
            if v != sets[sets.count - 1] { sets.append(v) }
        }
        return sets
    }

    func persisted(_ i: Int, incarnation: Int) throws(Violation) {
        let node = nodes[i]
        guard node.incarnation == incarnation, node.isRunning, let rd = node.shell.persisting else { return }
        let id = node.id
        node.disk.write(rd)
        if let s = rd.snapshot {
            try checker.observeSnapshotInstalled(node: id, s)
            node.disk.snapshotState = node.state  // restored from this snapshot's file when handed out
            snapshotsInstalled += 1
        }
        transcript.record(.persisted(time: now, node: id, entries: rd.entries.count, hardState: rd.hardState, applied: node.applied, afterPersist: rd.messagesAfterPersist.count))
        try drive(i) { (shell: inout NodeShell) in shell.persisted(now: shellNow) }
    }

    func send(_ messages: [Message], from i: Int) {
        for m in messages {
            guard let to = indexOf[m.to] else { continue }
            if network.isBlocked(from: i, to: to) {
                transcript.record(.drop(time: now, m, reason: "partition"))
                continue
            }
            var envelope = Envelope(message: m, from: i, to: to)
            if case .installSnapshot(let s) = m.body {
                // The file goes with the message; without one the real node sends neither.
                guard let state = snapshotState(s, on: i) else {
                    transcript.record(.drop(time: now, m, reason: "no snapshot file"))
                    continue
                }
                envelope.snapshotState = state
            }
            for d in network.deliveryDelays(&rng) {
                queue.push(at: now + d, .deliver(envelope))
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
        if case .installSnapshot(let s) = env.message.body, let state = env.snapshotState {
            nodes[env.to].arrivingSnapshots[s] = state  // its file follows the message
            try drive(env.to) { (shell: inout NodeShell) in shell.installSnapshotArrived(env.message) }
            return
        }
        try drive(env.to) { (shell: inout NodeShell) in
            shell.step(env.message)
            return []
        }
    }

    // MARK: helpers for scenarios

    /// The running leader with the highest term, if any.
    var leaderIndex: Int? {
        var best: Int? = nil
        var bestTerm = Term.zero
        for i in nodes.indices {
            let n = nodes[i]
            guard n.isRunning else { continue }
            let s = Cluster.summary(&n.shell.core)
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
