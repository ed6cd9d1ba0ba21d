import Foundation
import Testing
@testable import Chaos

/// Proof that a run can fail: short runs against the node's `--unsafe-fault` switches must end
/// in a violation (exit 1), while the correct node passes the same runs (ChaosRunTests).
@Suite(.serialized) struct UnsafeFaultRunTests {
    /// Isolating the leader again and again: an isolated leader that acknowledges before commit
    /// loses writes to the majority's new leader; local reads go stale on any lagging node.
    static let isolateLeader = """
        describe The leader isolated, again and again.
        settle 1s
        gap 0.5s..1s
        length 1.5s..2.5s
        recover 15s
        fault partition leader
        """

    func run(switch name: String?, seed: UInt64) async throws -> RunVerdict {
        let scenario = try ScenarioParser.parse(Self.isolateLeader, name: "isolate-leader", file: "UnsafeFaultRunTests")
        let options = RunOptions(
            nodes: 3, duration: 8, seed: seed, scenario: scenario, scenarioFile: nil, outRoot: NodeBinary.scratch("unsafe-\(name ?? "none")"),
            nodeBinary: NodeBinary.url, extraNodeArguments: ["--fsync", "never"] + (name.map { ["--unsafe-fault", $0] } ?? []), commandLine: ["test"], checkBudget: 60)
        return await try ChaosRun(options: options, parts: .standard) { _ in }.run()
    }

    @Test(.enabled(if: NodeBinary.exists, "raft-node is not built (swift build --build-tests builds it)"))
    func staleLocalReadsAreCaughtAsNotLinearizable() async throws {
        let v = try await run(switch: "stale-local-reads", seed: 21)
        #expect(v.outcome == .violation, "\(v.summary)")
        #expect(v.linearizability == "not linearizable")
        #expect(v.outcome.exitCode == 1)
    }

    @Test(.enabled(if: NodeBinary.exists, "raft-node is not built (swift build --build-tests builds it)"))
    func ackBeforeCommitIsCaught() async throws {
        // Whether an 8 s run shows the lost write depends on a read landing on its key after the
        // new leader overwrote it; with fast failover (CheckQuorum steps the isolated leader down
        // within 250-500 ms) one seed in a few misses it. Up to three seeds: one must catch it.
        var summaries: [String] = []
        for seed: UInt64 in [22, 23, 24] {
            let v = try await run(switch: "ack-before-commit", seed: seed)
            if v.outcome == .violation {
                #expect(v.outcome.exitCode == 1)
                return
            }
            summaries.append("seed \(seed): \(v.summary)")
        }
        Issue.record("no run of three caught ack-before-commit: \(summaries)")
    }

    @Test(.enabled(if: NodeBinary.exists, "raft-node is not built (swift build --build-tests builds it)"))
    func theCorrectNodePassesTheSameRun() async throws {
        let v = try await run(switch: nil, seed: 21)
        #expect(v.outcome == .passed, "\(v.summary)")
    }
}
