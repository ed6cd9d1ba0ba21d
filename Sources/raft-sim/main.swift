// raft-sim: the deterministic cluster simulation from the command line.
//   raft-sim soak --seconds N [--from SEED]   run seeds until time is up; stop at the first failure
//   raft-sim bench [--seeds N]                simulated steps per second over a fixed seed set
//   raft-sim replay SEED [--fault NAME] [--shell-fault NAME]   run one seed and print its report
// No ArgumentParser on purpose: three subcommands do not justify the dependency here.

import Foundation
import RaftCore
import RaftShell
import RaftSimulation

func usage() -> Never {
    FileHandle.standardError.write(Data("""
        usage: raft-sim soak --seconds N [--from SEED]
               raft-sim bench [--seeds N] [--fault NAME]
               raft-sim replay SEED [--fault voteWithoutLogCheck|commitOldTermByCounting|forgetVoteOnRestart]
                                    [--shell-fault ackBeforeCommit|snapshotAheadOfState|ackForwardBeforeReply|serveReadBeforeApplied]

        """.utf8))
    exit(2)
}

func option(_ name: String, in args: [String]) -> String? {
    guard let k = args.firstIndex(of: name), k + 1 < args.count else { return nil }
    return args[k + 1]
}

func fault(named name: String) -> PlantedFaults? {
    switch name {
    case "voteWithoutLogCheck": return .voteWithoutLogCheck
    case "commitOldTermByCounting": return .commitOldTermByCounting
    case "forgetVoteOnRestart": return .forgetVoteOnRestart
    default: return nil
    }
}

func shellFault(named name: String) -> ShellUnsafeFaults? {
    switch name {
    case "ackBeforeCommit": return .ackBeforeCommit
    case "snapshotAheadOfState": return .snapshotAheadOfState
    case "ackForwardBeforeReply": return .ackForwardBeforeReply
    case "serveReadBeforeApplied": return .serveReadBeforeApplied
    default: return nil
    }
}

func seconds(since start: ContinuousClock.Instant) -> Double {
    let d = ContinuousClock.now - start
    return Double(d.components.seconds) + Double(d.components.attoseconds) / 1e18
}

let args = Array(CommandLine.arguments.dropFirst())
guard let command = args.first else { usage() }

switch command {
case "soak":
    guard let s = option("--seconds", in: args).flatMap(Double.init), s > 0 else { usage() }
    // By default start somewhere new each time (CI covers the low seeds); print where.
    var seed = option("--from", in: args).flatMap(UInt64.init) ?? (UInt64(Date().timeIntervalSince1970) % 1_000_000) * 1_000 + 1_000_000
    print("soak: running seeds from \(seed) for \(s) s")
    let start = ContinuousClock.now
    var runs = 0
    var steps = 0
    while seconds(since: start) < s {
        let r = Simulation.run(seed: seed)
        runs += 1
        steps += r.steps
        if !r.passed {
            print(r.report)
            print("soak: FAILED after \(runs) runs")
            exit(1)
        }
        seed += 1
    }
    let t = seconds(since: start)
    print("soak: \(runs) runs passed (seeds up to \(seed - 1)), \(steps) steps in \(String(format: "%.1f", t)) s, \(Int(Double(steps) / t)) steps/s")
case "bench":
    let count = option("--seeds", in: args).flatMap(Int.init) ?? 200
    var faults = PlantedFaults.none
    if let f = option("--fault", in: args) {
        guard let parsed = fault(named: f) else { usage() }
        faults = parsed
    }
    let start = ContinuousClock.now
    var steps = 0
    var failures = 0
    for seed in 1...UInt64(max(1, count)) {
        let r = Simulation.run(seed: seed, faults: faults)
        steps += r.steps
        if !r.passed {
            failures += 1
            print("seed \(seed) failed: \(r.violation!)")
        }
    }
    let t = seconds(since: start)
    print("bench: \(count) runs, \(steps) simulated steps in \(String(format: "%.2f", t)) s = \(Int(Double(steps) / t)) steps/s (\(failures) failures)")
case "replay":
    guard args.count >= 2, let seed = UInt64(args[1]) else { usage() }
    var faults = PlantedFaults.none
    if let f = option("--fault", in: args) {
        guard let parsed = fault(named: f) else { usage() }
        faults = parsed
    }
    let lines = option("--trace", in: args).flatMap(Int.init) ?? 0
    var options = SimulationOptions.derived(seed: seed, faults: faults)
    if let f = option("--shell-fault", in: args) {
        guard let parsed = shellFault(named: f) else { usage() }
        options.shellFaults = parsed
    }
    let r = Simulation.run(options, transcriptLines: lines)
    print(r.report)
    if r.passed && lines > 0 { print(r.transcript.joined(separator: "\n")) }
    exit(r.passed ? 0 : 1)
default:
    usage()
}
