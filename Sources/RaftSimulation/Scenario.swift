// A seeded run: chaos (loss, duplication, delay, partitions, crashes, restarts, proposals,
// membership changes, transfers, reads, snapshots), then heal, then liveness. Everything derives
// from the seed, so `Simulation.run(.derived(seed:))` replays a failure exactly.

import RaftCore
import RaftShell

public struct SimulationOptions: Sendable, CustomStringConvertible {
    public var seed: UInt64
    public var nodeCount: Int
    public var initialVoters: Int
    /// Ticks of chaos, then at most `healTicks` for every acknowledged entry to reach every member.
    public var chaosTicks: Int
    public var healTicks: Int
    public var electionTick = 10
    public var preVote: Bool
    public var checkQuorum: Bool
    public var membershipChanges: Bool
    public var snapshots = true
    /// The shell's --log-max (writes applied between snapshots), small so compaction is common.
    public var logMaxEntries = 8
    /// Per-tick odds of a CHECKPOINT on a random node, at whatever moment of its Ready it is in.
    public var checkpointPercent = 4
    public var maxInflightAppends: Int
    public var maxEntriesPerAppend: Int
    public var maxDelay: UInt64 = 8
    public var faults: PlantedFaults
    /// Shell-level planted bugs (UNSAFE: to prove the client-visible checks catch them).
    public var shellFaults: ShellUnsafeFaults = []
    /// How hard the nemesis hits (drawn from the seed): per-tick odds of each action.
    public var proposalPercent = 35
    public var crashPerMille = 12
    /// Crash and restart almost at once (a process bounce): loses only what was in flight.
    public var bouncePerMille = 0
    public var partitionPerMille = 10
    public var restartPercent = 5
    /// Per-tick odds of cutting the current leader off right away (the "partition the leader"
    /// nemesis), which leaves uncommitted entries of many terms behind: Figure 8 material.
    public var isolateLeaderPercent = 0
    /// All nodes tick at the same instant (synchronized clocks): split votes become common,
    /// which is what a lost vote (forgetVoteOnRestart) needs to matter.
    public var ticksInUnison = false

    /// Options drawn from the seed: 3 to 7 nodes, sometimes a spare to add, PreVote and
    /// CheckQuorum usually on, small batches and windows so that pipelining paths are exercised.
    public static func derived(seed: UInt64, faults: PlantedFaults = .none, chaosTicks: Int = 120, healTicks: Int = 200) -> SimulationOptions {
        var r = SplitMix64(seed: seed ^ 0xC0FF_EE00_D15E_A5E5)
        let n = 3 + r.below(5)
        let preVote = r.below(5) != 0
        let checkQuorum = r.below(5) != 0
        let membership = (preVote || checkQuorum) && r.below(3) != 0
        let spare = membership && n >= 4 && r.below(2) == 0 ? 1 : 0
        var o = SimulationOptions(
            seed: seed, nodeCount: n, initialVoters: n - spare, chaosTicks: chaosTicks, healTicks: healTicks,
            preVote: preVote, checkQuorum: checkQuorum, membershipChanges: membership,
            maxInflightAppends: [1, 2, 4, 64][r.below(4)], maxEntriesPerAppend: [1, 3, 16][r.below(3)],
            faults: faults)
        o.proposalPercent = [35, 35, 10][r.below(3)]
        o.crashPerMille = [12, 30, 60][r.below(3)]
        o.bouncePerMille = [0, 30, 100][r.below(3)]
        o.partitionPerMille = [10, 30][r.below(2)]
        o.restartPercent = [5, 20][r.below(2)]
        o.isolateLeaderPercent = [0, 5, 10, 20][r.below(4)]
        o.ticksInUnison = r.below(3) == 0
        o.logMaxEntries = [3, 8, 20][r.below(3)]
        return o
    }

    public var description: String {
        var f = faults.isEmpty ? "" : " faults=\(faults.names.joined(separator: ","))"
        if shellFaults.contains(.ackBeforeCommit) { f += " shellFaults=ackBeforeCommit" }
        if shellFaults.contains(.snapshotAheadOfState) { f += " shellFaults=snapshotAheadOfState" }
        if shellFaults.contains(.ackForwardBeforeReply) { f += " shellFaults=ackForwardBeforeReply" }
        if shellFaults.contains(.serveReadBeforeApplied) { f += " shellFaults=serveReadBeforeApplied" }
        return "seed=\(seed) nodes=\(nodeCount) voters=\(initialVoters) preVote=\(preVote) checkQuorum=\(checkQuorum) membership=\(membershipChanges) inflight=\(maxInflightAppends) batch=\(maxEntriesPerAppend) nemesis=\(proposalPercent)/\(crashPerMille)/\(bouncePerMille)/\(partitionPerMille)/\(restartPercent)/\(isolateLeaderPercent)\(ticksInUnison ? " unison" : "") logMax=\(snapshots ? String(logMaxEntries) : "off") ticks=\(chaosTicks)+\(healTicks)\(f)"
    }
}

public struct SimulationResult: Sendable {
    public var options: SimulationOptions
    public var violation: Violation?
    public var steps: Int
    public var ticks: Int
    public var applied: Int
    public var proposals: Int
    public var reads: Int
    /// Reads whose returned value was checked against the key's history (ReadValues.swift).
    public var readValuesChecked = 0
    public var snapshotsInstalled: Int
    /// Snapshots written and recorded (--log-max and CHECKPOINT).
    public var snapshotsTaken: Int
    public var membershipChanges: Int
    /// Client writes a follower relayed to its leader.
    public var forwardedWrites: Int
    /// Client writes sent to a node that knew no leader, and how many of them were acknowledged
    /// (after waiting in its shell for the election to end).
    public var leaderWaitWrites = 0
    public var leaderWaitAcknowledged = 0
    /// The last steps, formatted; filled only when the run failed.
    public var transcript: [String]

    public var passed: Bool { violation == nil }

    /// What a failing run prints: the violation, the seed to replay it, and the transcript tail.
    public var report: String {
        guard let v = violation else {
            return "ok \(options): \(steps) steps, \(applied) entries applied, \(reads) reads"
        }
        var out = ["VIOLATION \(v)", "replay with seed \(options.seed) (\(options))", "last steps:"]
        out += transcript.map { "  " + $0 }
        return out.joined(separator: "\n")
    }
}

public enum Simulation {
    /// `transcriptLines` > 0 keeps that many last steps even when the run passes.
    public static func run(_ options: SimulationOptions, transcriptLines: Int = 0) -> SimulationResult {
        let cluster = Cluster(options: options)
        if transcriptLines > 0 { cluster.transcript = Transcript(capacity: transcriptLines) }
        var violation: Violation? = nil
        do throws(Violation) {
            try cluster.runChaos()
            try cluster.runHealAndCheckLiveness()
        } catch {
            violation = error
        }
        return SimulationResult(
            options: options, violation: violation, steps: cluster.steps, ticks: cluster.ticks,
            applied: Int(cluster.checker.highestApplied.rawValue), proposals: cluster.proposalsAccepted,
            reads: cluster.readsServed, readValuesChecked: cluster.readValuesChecked, snapshotsInstalled: cluster.snapshotsInstalled, snapshotsTaken: cluster.snapshotsTaken,
            membershipChanges: cluster.membershipChanges, forwardedWrites: cluster.forwardedWrites,
            leaderWaitWrites: cluster.leaderWaitWrites, leaderWaitAcknowledged: cluster.leaderWaitAcknowledged,
            transcript: violation == nil && transcriptLines == 0 ? [] : cluster.transcript.lines)
    }

    public static func run(seed: UInt64, faults: PlantedFaults = .none) -> SimulationResult {
        run(.derived(seed: seed, faults: faults))
    }
}

extension Cluster {
    /// Processes events until the clock passes `tick`; `onClock` runs at the start of each tick.
    func run(untilTick limit: Int, onClock: (Cluster) throws(Violation) -> Bool) throws(Violation) {
        while let ev = queue.pop() {
            now = ev.time
            switch ev.kind {
            case .clock:
                ticks += 1
                if ticks > limit { queue.push(at: now, .clock); return }
                if try onClock(self) { return }
                queue.push(at: now + Cluster.unitsPerTick, .clock)
            case .tick(let node):
                try drive(node) { (shell: inout NodeShell) in shell.tick(now: shellNow) }
                queue.push(at: now + Cluster.unitsPerTick, .tick(node: node))
            case .deliver(let env):
                try deliver(env)
            case .relay(let env):
                try deliverRelay(env)
            case .persisted(let node, let incarnation):
                try persisted(node, incarnation: incarnation)
            case .restart(let node, let incarnation):
                if !nodes[node].isRunning, nodes[node].incarnation == incarnation { try restart(node) }
            case .snapshotWritten(let node, let incarnation, let meta, let state):
                try snapshotWritten(node, incarnation: incarnation, meta, state: state)
            case .snapshotReceived(let node, let incarnation, let meta, let state):
                try snapshotReceived(node, incarnation: incarnation, meta, state: state)
            }
        }
    }

    func runChaos() throws(Violation) {
        try run(untilTick: options.chaosTicks) { (c: Cluster) throws(Violation) -> Bool in
            try c.chaosRound()
            return false
        }
    }

    func chaosRound() throws(Violation) {
        let n = nodes.count
        if rng.below(100) < options.proposalPercent { try proposeSomething() }
        if rng.below(1000) < options.crashPerMille, crashedIndices.count < n / 2, let i = runningIndices.randomElement(using: &rng) {
            try crash(i)
        }
        if rng.below(1000) < options.bouncePerMille, let i = runningIndices.randomElement(using: &rng) {
            try crash(i)
            queue.push(at: now + 1 + UInt64(rng.below(Int(Cluster.unitsPerTick) * 2)), .restart(node: i, incarnation: nodes[i].incarnation))
        }
        if rng.below(100) < options.restartPercent, let i = crashedIndices.randomElement(using: &rng) { try restart(i) }
        if rng.below(100) < options.isolateLeaderPercent, let l = leaderIndex {
            network.partition([l])
            transcript.record(.action(time: now, "PARTITION leader \(nodes[l].id) from the rest"))
        }
        if rng.below(1000) < options.partitionPerMille {
            var side = Set<Int>()
            let size = 1 + rng.below(max(1, n / 2))
            while side.count < size { side.insert(rng.below(n)) }
            network.partition(side)
            transcript.record(.action(time: now, "PARTITION \(side.sorted().map { nodes[$0].id.rawValue }) from the rest"))
        }
        if rng.below(1000) < 10 {
            let a = rng.below(n)
            let b = (a + 1 + rng.below(n - 1)) % n
            network.blockOneWay(from: a, to: b)
            transcript.record(.action(time: now, "ONE-WAY block \(nodes[a].id)->\(nodes[b].id)"))
        }
        if rng.below(100) < 3, !network.isHealed {
            network.heal()
            transcript.record(.action(time: now, "network healed"))
        }
        if rng.below(100) < 2 {
            network.conditions.lossPerMille = [0, 20, 100, 300][rng.below(4)]
            network.conditions.duplicatePerMille = [0, 20, 100][rng.below(3)]
            transcript.record(.action(time: now, "network now \(network.conditions)"))
        }
        if options.membershipChanges, rng.below(100) < 2 { try changeMembership() }
        if options.snapshots, rng.below(100) < options.checkpointPercent, let i = runningIndices.randomElement(using: &rng) { try checkpoint(i) }
        if rng.below(1000) < 5, let l = leaderIndex {
            let voters = nodes[l].core.configuration.voters.sorted()
            if let target = voters.randomElement(using: &rng) {
                try input(l) { (core: inout RaftNode) in try? core.transferLeadership(to: target) }
                transcript.record(.action(time: now, "\(nodes[l].id) asked to transfer leadership to \(target)"))
            }
        }
        if rng.below(100) < 6, let i = runningIndices.randomElement(using: &rng) {
            let rid = nextRequestID
            nextRequestID += 1
            let key = Cluster.keys[keyRng.below(Cluster.keys.count)]
            reads[rid] = OutstandingRead(node: i, key: key, atLeast: checker.highestApplied)
            transcript.record(.action(time: now, "\(nodes[i].id) read #\(rid) of k\(Character(UnicodeScalar(key))) (must see index >= \(checker.highestApplied))"))
            try drive(i) { (shell: inout NodeShell) in shell.read(token: rid, now: shellNow) }
        }
    }

    func proposeSomething() throws(Violation) {
        // Half the time to a node that believes it leads (a stale leader too: clients cannot
        // tell); otherwise to anyone: a follower relays to the leader it knows. A fifth of the
        // time to a node that knows no leader when there is one (after the leader crashed, say):
        // the write waits in its shell for the election.
        let leaders = runningIndices.filter { Cluster.summary(&nodes[$0].shell.core).role == .leader }
        let leaderless = runningIndices.filter { Cluster.leader(&nodes[$0].shell.core) == nil }
        let pick = rng.below(10)
        let target = pick < 5 ? leaders.randomElement(using: &rng)
            : pick >= 8 && !leaderless.isEmpty ? leaderless.randomElement(using: &rng)
            : runningIndices.randomElement(using: &rng)
        guard let i = target else { return }
        // Several writes in one turn: the shell proposes them together at its next Ready.
        let count = 1 + rng.below(3)
        for _ in 0..<count {
            // A few keys, so that reads often find theirs overwritten meanwhile.
            let key = Cluster.keys[keyRng.below(Cluster.keys.count)]
            let data = Array("k\(Character(UnicodeScalar(key)))=p\(nextProposal)".utf8)
            nextProposal += 1
            let token = nextRequestID
            nextRequestID += 1
            try clientWrite(data, token: token, to: i)
        }
    }

    func changeMembership() throws(Violation) {
        guard let l = leaderIndex else { return }
        let core = nodes[l].core
        let conf = core.configuration
        let outsiders = nodes.indices.map { nodes[$0].id }.filter { !conf.members.contains($0) }
        var options: [ConfChange] = []
        if let o = outsiders.randomElement(using: &rng) {
            options.append(ConfChange(kind: .addLearner, node: o, address: "sim:\(o)"))
            if rng.below(4) == 0 { options.append(ConfChange(kind: .addVoter, node: o)) }
        }
        for learner in conf.learners.sorted() {
            // Learners are promoted only once they caught up (dissertation §4.2.1).
            if let p = core.progress[learner], p.match.rawValue + 3 >= core.lastIndex.rawValue {
                options.append(ConfChange(kind: .promoteToVoter, node: learner))
            }
        }
        if conf.voters.count > 3, let v = conf.voters.sorted().randomElement(using: &rng) {
            options.append(ConfChange(kind: .remove, node: v))
        }
        guard let change = options.randomElement(using: &rng) else { return }
        var accepted = false
        try input(l) { (core: inout RaftNode) in accepted = (try? core.proposeConfChange(change)) != nil }
        if accepted {
            membershipChanges += 1
            transcript.record(.action(time: now, "\(nodes[l].id) proposed \(change.kind) \(change.node)"))
        }
    }

    /// Heals everything and checks that every entry applied anywhere (acknowledged, or able to
    /// be) reaches every member of the final configuration within `healTicks`.
    func runHealAndCheckLiveness() throws(Violation) {
        network.heal()
        network.conditions.lossPerMille = 0
        network.conditions.duplicatePerMille = 0
        for i in crashedIndices { try restart(i) }
        transcript.record(.action(time: now, "HEAL: network healed, crashed nodes restarted"))
        let target = checker.highestApplied
        let deadline = ticks + options.healTicks
        var converged = false
        try run(untilTick: deadline) { (c: Cluster) throws(Violation) -> Bool in
            guard let l = c.leaderIndex else { return false }
            let core = c.nodes[l].core
            let members = core.configuration.members
            let done = c.nodes.indices.allSatisfy { !members.contains(c.nodes[$0].id) || c.nodes[$0].applied >= target }
            if done { converged = true }
            return done
        }
        try checkAcknowledgedWritesApplied()
        guard converged else {
            let state = nodes.map { n in
                "\(n.id): \(n.isRunning ? "\(n.core.role) term \(n.core.term) commit \(n.core.commitIndex)" : "down") applied \(n.applied)"
            }.joined(separator: "; ")
            throw Violation(
                rule: "Liveness after heal",
                detail: "entries up to \(target) not applied on every member within \(options.healTicks) ticks (\(state))")
        }
    }

    /// Every write a client was told succeeded is in the applied sequence, at the index it was
    /// answered with (the sequence is one for all nodes: the checker compares every apply).
    func checkAcknowledgedWritesApplied() throws(Violation) {
        let applied = checker.applied
        var seen = Set<[UInt8]>()
        for e in applied where e.kind == .normal { seen.insert(e.data) }
        for a in acknowledged {
            if let index = a.index {
                let k = Int(index.rawValue) - 1
                guard k < applied.count, applied[k].data == a.data else {
                    throw Violation(rule: "Acknowledged Write Applied", detail: "\(String(decoding: a.data, as: UTF8.self)) was acknowledged at \(index) but is not what was applied there")
                }
            } else if !seen.contains(a.data) {
                throw Violation(rule: "Acknowledged Write Applied", detail: "\(String(decoding: a.data, as: UTF8.self)) was acknowledged but never applied")
            }
        }
    }
}
