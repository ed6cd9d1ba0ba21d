// The deterministic cluster simulation: fixed seeds CI runs, replay, and proof that it is not
// blind (each planted bug is caught within the seeds CI runs).

import Testing
import RaftCore
import RaftSimulation

/// Seeds per chunk; RAFT_SIM_SEEDS (total) overrides the default 2000 for quick local runs.
let simulationChunks = 8
let seedsPerChunk: Int = {
    if let s = Environment.value("RAFT_SIM_SEEDS").flatMap(Int.init), s > 0 { return max(1, s / simulationChunks) }
    return 250
}()

enum Environment {
    static func value(_ name: String) -> String? {
        guard let p = getenv(name) else { return nil }
        return String(cString: p)
    }
}

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

@Suite("Deterministic simulation")
struct SimulationTests {
    @Test("Every invariant holds on the fixed seeds, and every acknowledged entry is applied after heal", arguments: 0..<simulationChunks)
    func fixedSeedsKeepEveryInvariant(chunk: Int) {
        let first = UInt64(chunk * seedsPerChunk + 1)
        var failures: [String] = []
        for seed in first..<(first + UInt64(seedsPerChunk)) {
            let r = Simulation.run(seed: seed)
            if !r.passed {
                failures.append(r.report)
                if failures.count >= 3 { break }
            }
        }
        for f in failures { Issue.record(Comment(rawValue: f)) }
        #expect(failures.isEmpty)
    }

    @Test("The runs do real work: entries applied, reads served, snapshots installed, members changed")
    func simulationExercisesTheProtocol() {
        var applied = 0, reads = 0, snapshots = 0, changes = 0, sizes = Set<Int>()
        for seed in UInt64(1)...60 {
            let r = Simulation.run(seed: seed)
            applied += r.applied
            reads += r.reads
            snapshots += r.snapshotsInstalled
            changes += r.membershipChanges
            sizes.insert(r.options.nodeCount)
        }
        #expect(applied > 60 * 10)
        #expect(reads > 60)
        #expect(snapshots > 0)
        #expect(changes > 0)
        #expect(sizes == Set(3...7))
    }

    @Test("A seed replays exactly: same steps, same verdict, same transcript")
    func seedsReplayExactly() {
        let a = Simulation.run(.derived(seed: 12345), transcriptLines: 50)
        let b = Simulation.run(.derived(seed: 12345), transcriptLines: 50)
        #expect(a.steps == b.steps)
        #expect(a.transcript == b.transcript)
        #expect(a.applied == b.applied)
    }

    @Test("Planted bugs are caught by the simulation within the seeds CI runs, and replay exactly",
          arguments: [PlantedFaults.voteWithoutLogCheck, .commitOldTermByCounting, .forgetVoteOnRestart])
    func plantedBugIsCaught(fault: PlantedFaults) throws {
        let limit = UInt64(simulationChunks * seedsPerChunk)
        var caught: SimulationResult? = nil
        for seed in UInt64(1)...max(1, limit) {
            let r = Simulation.run(seed: seed, faults: fault)
            if !r.passed {
                caught = r
                break
            }
        }
        let found = try #require(caught, "\(fault.names) was not caught within \(limit) seeds: the simulation is blind to it")
        #expect(found.report.contains("replay with seed \(found.options.seed)"))
        #expect(!found.transcript.isEmpty)
        // The same seed fails the same way again.
        let again = Simulation.run(seed: found.options.seed, faults: fault)
        #expect(again.violation?.description == found.violation?.description)
        #expect(again.transcript == found.transcript)
        // And without the planted bug, that seed passes.
        #expect(Simulation.run(seed: found.options.seed).passed)
    }
}
