import Capture
import Foundation

/// One `raft-chaos run`, start to verdict: run directory and run.json, the cluster behind the
/// relay, the workload while the schedule plays, the heal, the recovery check, the final set
/// read, the history check, verdict.json/verdict.txt and report.html. Whatever happens, every
/// node it started is killed before `run()` returns.
public final class ChaosRun: @unchecked Sendable {
    public let options: RunOptions
    public let parts: RunParts
    public let layout: RunLayout
    private let say: @Sendable (String) -> Void
    private var harnessLog: FileHandle?
    /// Kept so a harness error after the clients started still stops them.
    private var workload: RunWorkload?
    /// The peer-traffic capture into peers.pcap (nil without the capture privilege) and, once
    /// stopped, its decoding and safety audit for the verdict (ChaosRun+Capture.swift).
    var capture: LiveCapture?
    var captureReport: String?
    var peerTraffic: PeerTrafficAudit?
    /// Why there is no audit (no capture privilege, the capture failed).
    var captureNote: String?

    /// `say` receives the progress lines (about one a second) and the notes of each phase.
    public init(options: RunOptions, parts: RunParts, say: @escaping @Sendable (String) -> Void) throws {
        self.options = options
        self.parts = parts
        self.say = say
        self.layout = try RunDirectoryMaker.make(under: options.outRoot)
        _ = FileManager.default.createFile(atPath: layout.harnessLog.path, contents: nil)
        harnessLog = try? FileHandle(forWritingTo: layout.harnessLog)
    }

    func note(_ line: String) {
        say(line)
        harnessLog?.write(Data((line + "\n").utf8))
    }

    /// Plays the run and writes its verdict; never throws (a harness error is verdict 3). Runs on
    /// its own thread (RunExecutor), so a busy cooperative pool cannot stretch its timing.
    public func run() async -> RunVerdict {
        await RunExecutor.run(name: "raft-chaos run \(options.seed)") { await play() }
    }

    private func play() async -> RunVerdict {
        let schedule = Schedule.draw(options.scenario, seed: options.seed, duration: options.duration)
        var cluster: ClusterSupervisor?
        var verdict: RunVerdict
        do {
            let c = try ClusterSupervisor(layout: layout, nodeCount: options.nodes, binary: options.nodeBinary,
                                          extraArguments: options.extraNodeArguments, seed: options.seed)
            cluster = c
            verdict = try await play(c, schedule: schedule)
        } catch {
            note("harness error: \(error)")
            await workload?.stop()
            cluster?.stop()
            verdict = RunVerdict(outcome: .harnessFailure, summary: "HARNESS FAILURE: \(error)")
        }
        cluster?.stop()
        finishCapture()  // after a harness error; a played run finished it before its verdict
        verdict.peerTraffic = peerTraffic
        verdict.peerTrafficNote = captureNote
        write(verdict)
        do {
            let html = try parts.renderReport(layout)
            try html.write(to: layout.report, atomically: true, encoding: .utf8)
        } catch {
            note("report not written: \(error)")
        }
        try? harnessLog?.close()
        return verdict
    }

    private func play(_ cluster: ClusterSupervisor, schedule: Schedule) async throws -> RunVerdict {
        let origin = MonotonicClock.now()
        let wall = ISO8601DateFormatter().string(from: Date())
        // The capture is open before the first node starts, so the first election is captured.
        try cluster.start { c in self.startCapture(ports: c.nodes.map(\.peerPort) + c.relay.ports.values.sorted()) }
        let manifest = RunManifest(
            scenario: options.scenario.name, scenarioFile: options.scenarioFile, seed: options.seed, duration: options.duration,
            commandLine: options.commandLine,
            nodes: cluster.nodes.map { .init(id: $0.id, clientPort: $0.clientPort, peerPort: $0.peerPort) },
            relayPorts: cluster.relay.ports.sorted { $0.key.description < $1.key.description }
                .map { .init(from: $0.key.from, to: $0.key.to, port: $0.value) },
            nodeBinary: options.nodeBinary.path, extraNodeArguments: options.extraNodeArguments,
            startedAt: wall, startedMonotonic: origin, schedule: schedule.entries.map(\.description))
        try manifest.write(to: layout.manifest)
        note("run directory \(layout.root.path)")
        note("\(options.nodes) nodes on ports \(cluster.nodes.map { String($0.clientPort) }.joined(separator: " ")), every peer link through the relay")

        guard let firstLeader = cluster.waitForWritableCluster(timeout: 30) else {
            throw ClusterError("no leader accepted a write within 30 s of starting; see the node logs in \(layout.root.appendingPathComponent("nodes").path)")
        }
        note("leader \(firstLeader) accepts writes; \(schedule.entries.count) faults scheduled over \(Int(options.duration)) s (scenario \(options.scenario.name), seed \(options.seed))")

        let faultWriter = try JSONLinesWriter(url: layout.faults)
        defer { faultWriter.close() }
        let log = FaultLog(writer: faultWriter)
        let nemesis = Nemesis(cluster: cluster, log: log)
        let workload = try parts.makeWorkload(cluster.nodes, options.seed, layout.history)
        self.workload = workload
        try workload.start()
        let runner = ScheduleRunner(nemesis: nemesis, schedule: schedule)
        let playStart = MonotonicClock.now()
        runner.start(origin: playStart)

        // Progress about once a second while the schedule plays.
        let end = playStart + UInt64(options.duration * 1e9)
        while MonotonicClock.now() < end {
            try await Task.sleep(nanoseconds: min(1_000_000_000, end - MonotonicClock.now()))
            let c = workload.progressCounts()
            let elapsed = Double(MonotonicClock.now() - playStart) / 1e9
            note(String(format: "%5.1fs  ok %d  fail %d  info %d  fault: %@", elapsed, c.ok, c.fail, c.info, log.inForce))
        }
        runner.finish()

        // Heal: every link healthy, every node running and resumed.
        cluster.relay.healAll()
        try cluster.restartAndResumeAll()
        log.instant(kind: "heal", targets: cluster.ids, description: "heal: links healthy, every node running and resumed")
        note("healed; waiting up to \(Int(options.scenario.recoverWithin)) s for a leader and a write through every node")

        let recovery = checkRecovery(cluster, within: options.scenario.recoverWithin)
        note(recovery.recovered ? "recovered in \(String(format: "%.1f", recovery.seconds)) s" : "NOT RECOVERED: \(recovery.problem)")
        await workload.stop()
        let finalRead = await workload.finalRead()
        note((workload.checksLostWrites ? "final set read: " : "final read: ") + finalRead.summary)
        let crashed = cluster.crashed
        cluster.stop()
        finishCapture()

        note("checking the history (budget \(Int(options.checkBudget)) s)")
        let check = try parts.checkHistory(layout.history, options.checkBudget)
        note("history: \(check.words) in \(String(format: "%.2f", check.seconds)) s; ok \(check.counts.ok) fail \(check.counts.fail) info \(check.counts.info)")

        var problems: [String] = []
        if check.outcome == .notLinearizable {
            problems.append("the history is not \(check.property)" + (check.anomalies.isEmpty ? "" : ": " + check.anomalies.joined(separator: ", ")))
        }
        if !finalRead.lost.isEmpty { problems.append("\(finalRead.lost.count) acknowledged write(s) lost") }
        if !recovery.recovered { problems.append("no recovery within \(Int(options.scenario.recoverWithin)) s after the heal (\(recovery.problem))") }
        for (id, how) in crashed { problems.append("node \(id) died on its own (\(how)); see \(layout.nodeLog(id).path)") }
        if let audit = peerTraffic, !audit.passed { problems.append("the peer-traffic audit " + audit.headline) }
        let outcome: RunVerdict.Outcome = !problems.isEmpty ? .violation : check.outcome == .unknown ? .unknown : .passed
        let summary: String
        switch outcome {
        case .passed:
            summary = "PASSED: \(check.property)" + (workload.checksLostWrites ? ", no acknowledged write lost" : "") + ", recovered after the heal"
                + (peerTraffic != nil ? ", peer traffic audited" : "")
        case .violation: summary = "VIOLATION: " + problems.joined(separator: "; ")
        case .unknown: summary = "UNKNOWN: the checker ran out of its \(Int(options.checkBudget)) s budget; nothing else went wrong"
        case .harnessFailure: summary = "HARNESS FAILURE"
        }
        let linearizable = check.property == "linearizable"
        return RunVerdict(outcome: outcome, summary: summary, linearizability: linearizable ? check.words : nil,
                          serializability: linearizable ? nil : check.words, explanation: check.explanation,
                          lostWrites: finalRead.lost, recovered: recovery.recovered,
                          ok: check.counts.ok, fail: check.counts.fail, info: check.counts.info)
    }

    /// A leader, and a successful write through every node, within `within` seconds of the heal.
    private func checkRecovery(_ cluster: ClusterSupervisor, within: Double) -> (recovered: Bool, seconds: Double, problem: String) {
        let start = Date()
        let deadline = start.addingTimeInterval(within)
        var pending = Set(cluster.ids)
        var n = 0
        while Date() < deadline {
            for id in pending.sorted() {
                n += 1
                if cluster.probeWrite(through: id, value: "recovered-\(n)", timeoutMs: 1000) { pending.remove(id) }
            }
            if pending.isEmpty { return (true, Date().timeIntervalSince(start), "") }
            Thread.sleep(forTimeInterval: 0.2)
        }
        return (false, within, "no successful write through \(pending.sorted().joined(separator: " "))")
    }

    private func write(_ verdict: RunVerdict) {
        let e = JSONEncoder()
        e.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
        if let data = try? e.encode(verdict) { try? data.write(to: layout.verdict) }
        var text = verdict.summary + "\n"
        if let l = verdict.linearizability { text += "linearizability: \(l)\n" }
        if let s = verdict.serializability { text += "serializability (list-append): \(s)\n" }
        if let r = verdict.recovered { text += "recovered after the heal: \(r ? "yes" : "no")\n" }
        text += "operations: ok \(verdict.ok), fail \(verdict.fail), info \(verdict.info)\n"
        if let a = verdict.peerTraffic { text += "peer-traffic audit: \(a.headline)\n" }
        if let n = verdict.peerTrafficNote { text += "peer-traffic audit: none (\(n))\n" }
        if !verdict.lostWrites.isEmpty { text += "lost acknowledged writes:\n" + verdict.lostWrites.map { "  " + $0 }.joined(separator: "\n") + "\n" }
        if let x = verdict.explanation { text += "\n" + x + "\n" }
        if let c = captureReport { text += "\npeer traffic (\(layout.capture.lastPathComponent)):\n" + c }
        try? text.write(to: layout.verdictText, atomically: true, encoding: .utf8)
    }
}
