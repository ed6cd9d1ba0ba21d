// A tiny, instant, lossless network for unit tests: every Ready is persisted and applied at
// once (by the node's own Ready handler, NodeShell), and messages are delivered in rounds until
// the cluster is quiet (bounded).

import RaftCore
import RaftShell

struct Harness {
    var nodes: [NodeID: RaftNode] = [:]
    var hardStates: [NodeID: HardState] = [:]
    var logs: [NodeID: [Entry]] = [:]
    var applied: [NodeID: [Entry]] = [:]
    var readStates: [NodeID: [ReadState]] = [:]
    var snapshotsInstalled: [NodeID: [SnapshotMetadata]] = [:]
    /// Messages sent and not yet delivered.
    var inbox: [Message] = []
    /// Every message ever sent, with whether it waited for persistence.
    var sent: [(message: Message, afterPersist: Bool)] = []
    /// Nodes cut off from everyone.
    var isolated: Set<NodeID> = []
    /// Messages matching this are dropped.
    var drop: (Message) -> Bool = { _ in false }

    init(_ ids: [NodeID], learners: [NodeID] = [], preVote: Bool = false, checkQuorum: Bool = false,
         faults: PlantedFaults = .none, configure: (inout RaftConfig) -> Void = { _ in }) {
        let conf = Configuration(voters: Set(ids), learners: Set(learners))
        for (k, id) in (ids + learners).enumerated() {
            var c = RaftConfig(id: id, randomSeed: UInt64(k + 1))
            c.preVote = preVote
            c.checkQuorum = checkQuorum
            c.faults = faults
            configure(&c)
            nodes[id] = RaftNode(config: c, restored: RaftRestoredState(), initialConfiguration: conf)
        }
        flushAll()
    }

    /// Adds a node that joins an existing cluster: empty state, empty configuration.
    mutating func addJoiner(_ id: NodeID, preVote: Bool = false, checkQuorum: Bool = false) {
        nodes[id] = RaftNode(config: RaftConfig(id: id, randomSeed: 99), restored: RaftRestoredState(), initialConfiguration: Configuration())
    }

    subscript(_ id: NodeID) -> RaftNode {
        get { nodes[id]! }
        set { nodes[id] = newValue }
    }

    /// Processes node `id`'s Ready batches until it has none, through the node's own Ready
    /// handler (RaftShell's NodeShell) with an instant disk: every `.persist` is durable at once.
    mutating func flush(_ id: NodeID) {
        guard let n = nodes[id] else { return }
        var shell = NodeShell(core: n)
        var rounds = 0
        while shell.hasWork, rounds < 100 {
            rounds += 1
            var actions = shell.ready(now: 0)
            var afterPersist = false
            while !actions.isEmpty {
                var persisted = false
                for action in actions {
                    switch action {
                    case .send(let messages):
                        for m in messages { inbox.append(m); sent.append((m, afterPersist)) }
                    case .persist(let p):
                        if p.snapshot != nil {
                            snapshotsInstalled[id, default: []].append(p.snapshot!)
                            logs[id] = []
                        }
                        if let first = p.entries.first {
                            var log = logs[id] ?? []
                            log.removeAll { $0.index >= first.index }
                            log += p.entries
                            logs[id] = log
                        }
                        if let hs = p.hardState { hardStates[id] = hs }
                        persisted = true
                    case .apply(let entries, _):
                        applied[id, default: []] += entries
                    case .readStates(let states):
                        readStates[id, default: []] += states
                    case .roleChanged, .proposed, .serveRead, .redirect, .refuse, .acknowledgeUnsafely, .takeSnapshot, .receiveSnapshot, .forward, .forwardedReply, .resubmit,
                        .confChangeProposed, .transferEnded, .sendJoinRequest, .joined, .joinUnreached:
                        break  // client requests go through the shell only in the node and the simulation
                    }
                }
                guard persisted else { break }
                afterPersist = true
                actions = shell.persisted(now: 0)
            }
        }
        nodes[id] = shell.core
    }

    mutating func flushAll() { for id in nodes.keys.sorted() { flush(id) } }

    /// Delivers messages until none are left (or `maxRounds` rounds pass).
    mutating func deliverAll(maxRounds: Int = 200) {
        var rounds = 0
        flushAll()
        while !inbox.isEmpty, rounds < maxRounds {
            rounds += 1
            let batch = inbox
            inbox = []
            for m in batch {
                guard !isolated.contains(m.from), !isolated.contains(m.to), !drop(m), nodes[m.to] != nil else { continue }
                nodes[m.to]!.step(m)
                flush(m.to)
            }
            flushAll()
        }
    }

    /// Takes the messages waiting in the inbox, without delivering them.
    mutating func takeInbox() -> [Message] {
        flushAll()
        defer { inbox = [] }
        return inbox
    }

    mutating func tick(_ id: NodeID, times: Int = 1) {
        for _ in 0..<times {
            nodes[id]!.tick()
            flush(id)
        }
    }

    mutating func tickAll(times: Int = 1) {
        for _ in 0..<times {
            for id in nodes.keys.sorted() { nodes[id]!.tick() }
            deliverAll()
        }
    }

    mutating func elect(_ id: NodeID) {
        nodes[id]!.campaign()
        deliverAll()
    }

    var leaders: [NodeID] { nodes.values.filter { $0.role == .leader }.map(\.id).sorted() }

    func appliedData(_ id: NodeID) -> [String] {
        (applied[id] ?? []).filter { $0.kind == .normal }.map { String(decoding: $0.data, as: UTF8.self) }
    }
}

func bytes(_ s: String) -> [UInt8] { Array(s.utf8) }
