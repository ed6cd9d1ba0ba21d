import ArgumentParser
import Chaos
import Foundation

/// `raft-chaos run`: N real nodes behind the relay, a workload, a scenario's faults, then a
/// verdict and a report. The logic lives in Chaos/Chaos/Run/; this file reads the command line.
struct RunCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "run",
        abstract: "Start N raft-node processes behind the relay, inject faults while clients run, check what they saw.",
        discussion: """
            Writes runs/<timestamp>/ (run.json, faults.jsonl, cluster.jsonl, history.jsonl, peers.pcap as root, \
            verdict.json, verdict.txt, report.html, nodes/<id>/node.log) and points runs/latest at it. Arguments \
            after `--` go to every raft-node. Exit status: 0 linearizable (serializable for --workload list-append) \
            and recovered, 1 a violation (not linearizable or not serializable, a lost acknowledged write, no recovery, a node crashed, a safety violation in the \
            captured peer traffic), 2 unknown (the checker ran out of budget), 3 the harness itself failed. \
            See docs/CHAOS.md and docs/CAPTURE.md.
            """
    )

    @Option(help: "Number of nodes (1-15).")
    var nodes = 5

    @Option(help: "How long faults and clients run, such as 60s, 90 or 2m.")
    var duration = "60s"

    @Option(help: "Seed of the fault schedule and the workload (drawn and printed when not given).")
    var seed: UInt64?

    @Option(help: "A scenario name (raft-chaos scenarios lists them) or a scenario file's path.")
    var scenario = "default"

    @Option(help: "Folder for run directories.")
    var out = "runs"

    @Option(name: .customLong("node-binary"), help: "The raft-node to torture (default: the one built beside raft-chaos).")
    var nodeBinary: String?

    @Option(name: .customLong("check-budget"), help: "Seconds the linearizability check may take before the verdict is unknown.")
    var checkBudget = 120.0

    @Option(help: ArgumentHelp(
        "What the clients do: mixed or list-append.",
        discussion: "mixed (the default): registers, map keys and set adds, checked for linearizability and lost adds. "
            + "list-append: MULTI / RPUSH / LRANGE / EXEC transactions over a few keys, checked for serializability, "
            + "naming any anomaly (G-single, G2, ...) with its cycle."))
    var workload = WorkloadKind.mixed.rawValue

    @Argument(parsing: .postTerminator, help: "Extra raft-node arguments, after --.")
    var nodeArguments: [String] = []

    func validate() throws {
        guard (1...15).contains(nodes) else { throw ValidationError("--nodes must be between 1 and 15") }
        guard let d = parsedDuration, d >= 1, d <= 86_400 else {
            throw ValidationError("--duration must be a time from 1s to 24h, such as 60s, 90 or 2m; got '\(duration)'")
        }
        guard checkBudget > 0 else { throw ValidationError("--check-budget must be positive") }
        guard WorkloadKind(rawValue: workload) != nil else {
            throw ValidationError("unknown --workload '\(workload)'; use one of: \(WorkloadKind.names)")
        }
    }

    var parsedDuration: Double? {
        if let plain = Double(duration) { return plain }
        return ScenarioParser.duration(duration)
    }

    func run() async throws {
        let scenarioFile: Scenario
        do {
            scenarioFile = try ScenarioLibrary.load(scenario)
        } catch {
            throw ValidationError("\(error)")
        }
        let seed = self.seed ?? UInt64.random(in: 1...UInt64(UInt32.max))
        if self.seed == nil { say("seed \(seed) (drawn; pass --seed \(seed) to replay this schedule)") }
        let binary = nodeBinary.map { URL(fileURLWithPath: $0) } ?? ClusterSupervisor.defaultNodeBinary()
        let options = RunOptions(
            nodes: nodes, duration: parsedDuration ?? 60, seed: seed, scenario: scenarioFile,
            scenarioFile: ScenarioLibrary.path(of: scenario), outRoot: URL(fileURLWithPath: out), nodeBinary: binary,
            extraNodeArguments: nodeArguments, commandLine: CommandLine.arguments, checkBudget: checkBudget)
        let parts = RunParts.forWorkload(WorkloadKind(rawValue: workload) ?? .mixed)
        let run = try ChaosRun(options: options, parts: parts) { say($0) }
        let reportPath = run.layout.report.path
        Teardown.installSignalHandlers(exitCode: 3) { sig in
            say("HARNESS FAILURE: interrupted by signal \(sig); every node stopped; partial run in \(run.layout.root.path)")
        }
        let verdict = await run.run()
        let report = FileManager.default.fileExists(atPath: reportPath) ? "report: \(reportPath)" : "run directory: \(run.layout.root.path)"
        say("\(verdict.summary) — \(report)")
        if verdict.outcome != .passed { throw ExitCode(verdict.outcome.exitCode) }
    }
}

/// A line to stdout at once (progress must show while the run goes, even through a pipe).
@Sendable func say(_ line: String) {
    FileHandle.standardOutput.write(Data((line + "\n").utf8))
}
