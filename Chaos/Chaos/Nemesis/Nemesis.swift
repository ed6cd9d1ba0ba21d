import Foundation
import RaftCore
import RESP

/// Starts faults on the cluster and knows how to end each one. A fault's targets are resolved
/// when it starts and written in its FaultEvent; `end` undoes exactly what `start` did.
public final class Nemesis: @unchecked Sendable {
    public struct Active: Sendable {
        public var id: Int
        public var fault: FaultSpec
        public var targets: [String]
        public var description: String
        fileprivate var undo: @Sendable () -> String?
    }

    let cluster: ClusterSupervisor
    public let log: FaultLog

    public init(cluster: ClusterSupervisor, log: FaultLog) {
        self.cluster = cluster
        self.log = log
    }

    /// The monitor's answer, or, when its answers are over a second old (a loaded machine, a
    /// node just restarted), the node that says now that it leads in the highest term.
    private var leader: String? {
        if let l = cluster.monitor?.leader { return l }
        var best: (id: String, term: UInt64)?
        for spec in cluster.nodes where cluster.isRunning(spec.id) && !cluster.isPaused(spec.id) {
            if let info = RaftInfo.ask(port: spec.clientPort, timeoutMs: 300), info.role == "leader", (info.term ?? 0) >= (best?.term ?? 0) {
                best = (spec.id, info.term ?? 0)
            }
        }
        return best?.id
    }

    /// Applies `fault` now and logs its start.
    public func start(_ fault: FaultSpec, choice: UInt64) -> Active {
        var resolver = TargetResolver(ids: cluster.ids, leader: leader, choice: choice)
        var targets: [String] = []
        var text = fault.description
        var undo: @Sendable () -> String? = { nil }
        let cluster = self.cluster
        switch fault {
        case .kill(let t):
            let (ids, note) = resolver.resolve(t)
            targets = ids
            ids.forEach(cluster.kill)
            text = "kill -9 \(t == .leader ? "leader " : "")\(ids.joined(separator: " "))" + (note.map { " (\($0))" } ?? "")
            undo = {
                for id in ids { try? cluster.restart(id) }
                return "restart \(ids.joined(separator: " "))"
            }
        case .pause(let t):
            let (ids, note) = resolver.resolve(t)
            targets = ids
            ids.forEach(cluster.pause)
            text = "SIGSTOP \(t == .leader ? "leader " : "")\(ids.joined(separator: " "))" + (note.map { " (\($0))" } ?? "")
            undo = {
                ids.forEach(cluster.resume)
                return "SIGCONT \(ids.joined(separator: " "))"
            }
        case .partition(let shape):
            let cut = PartitionShapes.cut(shape, resolver: &resolver)
            targets = cut.targets
            text = "partition: " + cut.description
            for link in cut.links { cluster.relay.setFaults(LinkFaults(blackhole: .discard), on: link) }
            undo = {
                // Frames were discarded mid-stream; start the cut links on fresh connections, as
                // TCP connections that timed out during a long partition would.
                for link in cut.links {
                    cluster.relay.setFaults(.healthy, on: link)
                    cluster.relay.resetConnections(on: link)
                }
                return "heal partition (cut links reconnect)"
            }
        case .link(let f, let on):
            var chosen = cluster.relay.links
            if let on {
                let (ids, _) = resolver.resolve(on)
                targets = ids
                chosen = chosen.filter { ids.contains($0.from) || ids.contains($0.to) }
            }
            let links = chosen
            let scope = on == nil ? "all " : "touching \(targets.joined(separator: " ")) "
            text = "links \(scope)\(f)"
            for link in links { cluster.relay.setFaults(f, on: link) }
            undo = {
                for link in links { cluster.relay.setFaults(.healthy, on: link) }
                return "links healthy"
            }
        case .resetConnections:
            for link in cluster.relay.links { cluster.relay.resetConnections(on: link) }
            text = "reset every peer connection"
        case .removeAndRejoin(let t):
            let (ids, _) = resolver.resolve(t)
            let victim = ids[0]
            targets = [victim]
            let others = cluster.ids.filter { $0 != victim }
            let removal = memberRemoval
            let rejoin: @Sendable () -> String = {
                do {
                    try cluster.rejoinFresh(victim, through: others)
                    return "\(victim) wiped and joining afresh"
                } catch {
                    return "\(victim) could not rejoin: \(error)"
                }
            }
            switch removal.remove(victim, asking: [leader].compactMap { $0 }.filter { $0 != victim } + others) {
            case .removed(let answer):
                cluster.kill(victim)
                text = "RAFT.REMOVE \(victim)\(answer == "OK" ? "" : " (answered '\(answer)', yet the leader's configuration no longer has it)") (then killed; rejoins fresh at the end)"
                undo = rejoin
            case .notRemoved(let answer):
                text = "RAFT.REMOVE \(victim) refused: \(answer)"
                // A "maybe" may still be applied after we stopped watching: a node found out of
                // the configuration at the end is brought back like one removed at the start.
                undo = {
                    guard removal.isGone(victim) else { return nil }
                    cluster.kill(victim)
                    return "\(victim) was removed after all (late); " + rejoin()
                }
            }
        case .transferStorm(let every):
            let storm = TransferStorm(cluster: cluster, everyMs: every, seed: choice, log: log)
            storm.start()
            text = "leadership transfer storm, one RAFT.TRANSFER every \(every)ms"
            undo = { "storm over after \(storm.stop()) transfers" }
        }
        let id = log.start(kind: fault.kind, targets: targets, description: text)
        return Active(id: id, fault: fault, targets: targets, description: text, undo: undo)
    }

    /// Undoes `active` and logs its end.
    public func end(_ active: Active) {
        let what = active.undo()
        log.end(active.id, kind: active.fault.kind, targets: active.targets, description: what ?? "end of \(active.description)")
    }

    /// RAFT.REMOVE through the running nodes, its outcome read from the leader's configuration.
    private var memberRemoval: MemberRemoval {
        let cluster = self.cluster
        return MemberRemoval(
            ask: { node, id in
                guard let port = cluster.spec(node)?.clientPort, cluster.isRunning(node), !cluster.isPaused(node) else { return nil }
                return try? NodeClient.call(port: port, ["RAFT.REMOVE", id], timeoutMs: 3000)
            },
            leaderMembers: {
                var best: RaftInfo?
                for spec in cluster.nodes where cluster.isRunning(spec.id) && !cluster.isPaused(spec.id) {
                    if let info = RaftInfo.ask(port: spec.clientPort, timeoutMs: 300), info.role == "leader", (info.term ?? 0) >= (best?.term ?? 0) {
                        best = info
                    }
                }
                return best?.members
            })
    }
}

/// RAFT.TRANSFER to a random other voter at a fixed pace, on its own thread, until stopped.
final class TransferStorm: @unchecked Sendable {
    private let cluster: ClusterSupervisor
    private let everyMs: Int
    private let lock = NSLock()
    private var running = true
    private var finished = false
    private var count = 0
    private var random: SplitMix64
    private let log: FaultLog

    init(cluster: ClusterSupervisor, everyMs: Int, seed: UInt64, log: FaultLog) {
        self.cluster = cluster
        self.everyMs = everyMs
        self.random = SplitMix64(seed: seed)
        self.log = log
    }

    func start() {
        Thread { [self] in
            while isRunning {
                if let leader = cluster.monitor?.leader, let port = cluster.spec(leader)?.clientPort {
                    let others = cluster.ids.filter { $0 != leader && cluster.isRunning($0) }
                    if !others.isEmpty {
                        let to = others[random.below(others.count)]
                        let reply = try? NodeClient.call(port: port, ["RAFT.TRANSFER", to], timeoutMs: 2000)
                        lock.lock()
                        count += 1
                        lock.unlock()
                        log.instant(kind: "transfer", targets: [leader, to], description: "RAFT.TRANSFER \(leader) -> \(to): \(Self.text(reply))")
                    }
                }
                Thread.sleep(forTimeInterval: Double(everyMs) / 1000)
            }
            lock.lock()
            finished = true
            lock.unlock()
        }.start()
    }

    private static func text(_ r: RESPValue?) -> String {
        switch r {
        case .simpleString(let s)?: s
        case .error(let e)?: e
        case nil: "no answer"
        default: "\(r!)"
        }
    }

    private var isRunning: Bool {
        lock.lock()
        defer { lock.unlock() }
        return running
    }

    /// Stops the storm; waits (bounded) for the transfer in flight; returns how many were sent.
    func stop() -> Int {
        lock.lock()
        running = false
        lock.unlock()
        let deadline = Date().addingTimeInterval(3)
        while Date() < deadline {
            lock.lock()
            let done = finished
            lock.unlock()
            if done { break }
            Thread.sleep(forTimeInterval: 0.02)
        }
        lock.lock()
        defer { lock.unlock() }
        return count
    }
}
