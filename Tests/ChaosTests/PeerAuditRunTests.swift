import Foundation
import Testing
@testable import Chaos

/// A chaos run's verdict includes the audit of its captured peer traffic: a node that forgets
/// its term on restart (`--unsafe-fault forget-term-on-restart`) fails the run on the audit,
/// with the frames named, once the leader was killed (a new term) and then the whole cluster;
/// the correct node passes the audit of the same run. Needs the capture privilege (root).
@Suite(.serialized) struct PeerAuditRunTests {
    static let canCapture = geteuid() == 0

    /// The restart-all scenario, and the first seed whose plan kills the leader first (so the
    /// cluster moves past term 1) and every node later: a whole-cluster restart after a term
    /// change is what the audit must catch.
    static func plan(duration: Double) throws -> (Scenario, UInt64) {
        let scenario = try ScenarioLibrary.load("restart-all")
        let seed = (1...1000 as ClosedRange<UInt64>).first { s in
            let entries = Schedule.draw(scenario, seed: s, duration: duration).entries
            return entries.first?.fault == .kill(.leader) && entries.dropFirst().contains { $0.fault == .kill(.all) }
        }
        return (scenario, try #require(seed, "no seed up to 1000 gives restart-all a leader kill then a kill of all"))
    }

    func run(switch name: String?) async throws -> (RunVerdict, RunLayout) {
        let duration = 7.0
        let (scenario, seed) = try Self.plan(duration: duration)
        let options = RunOptions(
            nodes: 3, duration: duration, seed: seed, scenario: scenario, scenarioFile: nil,
            outRoot: NodeBinary.scratch("audit-\(name ?? "none")"), nodeBinary: NodeBinary.url,
            extraNodeArguments: ["--fsync", "never", "--tick-ms", "50"] + (name.map { ["--unsafe-fault", $0] } ?? []), commandLine: ["test"], checkBudget: 30)
        let chaos = try ChaosRun(options: options, parts: .standard) { _ in }
        return (await chaos.run(), chaos.layout)
    }

    @Test(.enabled(if: NodeBinary.exists, "raft-node is not built (swift build --build-tests builds it)"),
          .enabled(if: canCapture, "not root: the run cannot capture its peer traffic, so there is no audit to check"))
    func aNodeThatForgetsItsTermFailsTheAuditWithTheFramesNamed() async throws {
        let (v, layout) = try await run(switch: "forget-term-on-restart")
        let audit = try #require(v.peerTraffic, "no audit: \(v.peerTrafficNote ?? "?")")
        #expect(!audit.passed)
        #expect(v.outcome == .violation, "\(v.summary)")
        #expect(v.outcome.exitCode == 1)
        #expect(v.summary.contains("the peer-traffic audit FAILED"), "\(v.summary)")
        #expect(v.summary.contains("packet #"), "\(v.summary)")
        // What a forgotten term shows on the wire, and nothing else.
        let expected: Set<String> = ["a term went backwards", "two leaders in one term", "a vote granted twice in one term", "a log's terms out of order"]
        #expect(audit.violations.contains { $0.property == "a term went backwards" }, "the cluster had moved past term 1 before all restarted")
        for violation in audit.violations {
            #expect(expected.contains(violation.property), "\(violation.description)")
            #expect(violation.frames.count == (violation.property == "a log's terms out of order" ? 1 : 2))
            #expect(violation.frames.allSatisfy { $0.packet > 0 && !$0.line.isEmpty })
        }
        let report = try String(contentsOf: layout.report, encoding: .utf8)
        #expect(report.contains("id=\"audit-1\""))
        #expect(report.contains("#\(audit.violations[0].frames[0].packet)"))
        let text = try String(contentsOf: layout.verdictText, encoding: .utf8)
        #expect(text.contains("peer-traffic audit: FAILED"))
    }

    @Test(.enabled(if: NodeBinary.exists, "raft-node is not built (swift build --build-tests builds it)"),
          .enabled(if: canCapture, "not root: the run cannot capture its peer traffic, so there is no audit to check"))
    func theCorrectNodePassesTheAuditOfTheSameRun() async throws {
        let (v, layout) = try await run(switch: nil)
        let audit = try #require(v.peerTraffic, "no audit: \(v.peerTrafficNote ?? "?")")
        #expect(audit.passed, "\(audit.headline)")
        #expect(audit.damaged == 0)
        // The capture was open before the nodes started: the first election is on the wire, and
        // the leader kill and the whole restart each add one.
        #expect(audit.elections >= 3, "\(audit.headline)")
        #expect(v.outcome == .passed, "\(v.summary)")
        let report = try String(contentsOf: layout.report, encoding: .utf8)
        #expect(report.contains("passed: \(audit.frames) frames audited"))
    }
}
