import Foundation
import Testing
@testable import Chaos

/// Whole runs against real nodes: short, but everything a `raft-chaos run` does.
@Suite(.serialized) struct ChaosRunTests {
    func options(seed: UInt64, duration: Double, scenario: String = "quick", extra: [String] = []) throws -> RunOptions {
        RunOptions(nodes: 3, duration: duration, seed: seed, scenario: try ScenarioLibrary.load(scenario), scenarioFile: nil,
                   outRoot: NodeBinary.scratch("run"), nodeBinary: NodeBinary.url,
                   // kill -9 keeps the page cache, so skipping fsync loses nothing here and saves time.
                   extraNodeArguments: ["--fsync", "never"] + extra, commandLine: ["test"], checkBudget: 60)
    }

    @Test(.enabled(if: NodeBinary.exists, "raft-node is not built (swift build --build-tests builds it)"))
    func aShortQuickRunAgainstTheCorrectNodePasses() async throws {
        let run = try ChaosRun(options: try options(seed: 11, duration: 10), parts: .standard) { _ in }
        let verdict = await run.run()
        #expect(verdict.outcome == .passed, "\(verdict.summary)\n\((try? String(contentsOf: run.layout.harnessLog, encoding: .utf8)) ?? "")")
        #expect(verdict.ok > 100)
        #expect(verdict.recovered == true)
        let layout = run.layout
        let manifest = try RunManifest.read(from: layout.manifest)
        #expect(manifest.nodes.count == 3 && manifest.relayPorts.count == 6 && manifest.seed == 11)
        let faults = try String(contentsOf: layout.faults, encoding: .utf8).split(separator: "\n")
            .map { try JSONDecoder().decode(FaultEvent.self, from: Data($0.utf8)) }
        #expect(faults.contains { $0.phase == .start } && faults.contains { $0.kind == "heal" })
        #expect(Set(faults.filter { $0.phase == .start }.map(\.id)) == Set(faults.filter { $0.phase == .end }.map(\.id)))
        #expect(FileManager.default.fileExists(atPath: layout.cluster.path))
        #expect(FileManager.default.fileExists(atPath: layout.verdict.path))
        #expect(try String(contentsOf: layout.verdictText, encoding: .utf8).hasPrefix("PASSED"))
    }

    @Test(.enabled(if: NodeBinary.exists, "raft-node is not built (swift build --build-tests builds it)"))
    func aMissingBinaryIsAHarnessFailureNotACrash() async throws {
        var o = try options(seed: 1, duration: 2)
        o.nodeBinary = URL(fileURLWithPath: "/nonexistent/raft-node")
        let run = try ChaosRun(options: o, parts: .standard) { _ in }
        let verdict = await run.run()
        #expect(verdict.outcome == .harnessFailure)
        #expect(verdict.summary.contains("no raft-node binary at /nonexistent/raft-node"))
    }
}
