import Foundation
import Testing
@testable import Chaos

/// report.html from a synthetic run directory: verdict on top, fault windows shaded and labelled,
/// availability per fault, links to node logs; aggregated when the history is large.
@Suite struct RunReportTests {
    /// A 20-second run: n1..n3, a partition from 5 s to 9 s during which nothing succeeds, a kill
    /// of n2 from 12 s to 14 s, one client per node doing a write every 100 ms.
    static func makeRun(operationsPerNode: Int = 200, verdict: RunVerdict? = RunVerdict(outcome: .violation, summary: "not linearizable on key r0-1", linearizability: "not linearizable", explanation: "partition: key r0-1 (9 operations)\ncannot linearize: #7 p1 read r0-1 -> 3", ok: 500, fail: 20, info: 80)) throws -> RunLayout {
        let root = FileManager.default.temporaryDirectory.appendingPathComponent("chaos-report-\(getpid())-\(UUID().uuidString.prefix(8))")
        let layout = RunLayout(root: root)
        for n in ["n1", "n2", "n3"] {
            try FileManager.default.createDirectory(at: layout.nodeDirectory(n), withIntermediateDirectories: true)
            try "node \(n) log\n".write(to: layout.nodeLog(n), atomically: true, encoding: .utf8)
        }
        try #"{"scenario":"default","seed":42,"command":["raft-chaos","run","--nodes","3"]}"#.write(to: layout.manifest, atomically: true, encoding: .utf8)
        let s: UInt64 = 1_000_000_000, t0: UInt64 = 5_000 * s
        let faults = [
            FaultEvent(time: t0 + 5 * s, id: 1, phase: .start, kind: "partition", targets: ["n1"], description: "isolate leader n1 from n2 n3"),
            FaultEvent(time: t0 + 9 * s, id: 1, phase: .end, kind: "partition", targets: ["n1"], description: "heal"),
            FaultEvent(time: t0 + 12 * s, id: 2, phase: .start, kind: "kill", targets: ["n2"], description: "kill -9 n2"),
            FaultEvent(time: t0 + 14 * s, id: 2, phase: .end, kind: "kill", targets: ["n2"], description: "restart n2"),
        ]
        try (faults.map { String(decoding: try JSONEncoder().encode($0), as: UTF8.self) }.joined(separator: "\n") + "\n").write(to: layout.faults, atomically: true, encoding: .utf8)
        var cluster: [ClusterObservation] = []
        for i in 0..<40 {
            let t = t0 + UInt64(i) * s / 2
            let leader = i < 14 ? "n1" : "n3"
            for n in ["n1", "n2", "n3"] {
                cluster.append(ClusterObservation(time: t, node: n, role: n == leader ? "leader" : "follower", term: i < 14 ? 2 : 3, leader: leader))
            }
        }
        try (cluster.map { String(decoding: try JSONEncoder().encode($0), as: UTF8.self) }.joined(separator: "\n") + "\n").write(to: layout.cluster, atomically: true, encoding: .utf8)
        var lines = [#"{"format":"raft-chaos-history","version":1,"model":"node-workloads"}"#]
        var id = 0
        let step = 20 * s / UInt64(operationsPerNode)
        for i in 0..<operationsPerNode {
            for (p, n) in ["n1", "n2", "n3"].enumerated() {
                let start = t0 + UInt64(i) * step + UInt64(p) * 1000
                let inPartition = start >= t0 + 5 * s && start <= t0 + 9 * s
                let type = inPartition ? (p == 0 ? "info" : "fail") : "ok"
                lines.append(#"{"time":\#(start),"process":\#(p),"node":"\#(n)","id":\#(id),"type":"invoke","f":"write","key":"r0-\#(p)","value":\#(id)}"#)
                lines.append(#"{"time":\#(start + 2_000_000),"process":\#(p),"node":"\#(n)","id":\#(id),"type":"\#(type)","f":"write","key":"r0-\#(p)","value":\#(id)\#(type == "ok" ? "" : #","error":"CLUSTERDOWN No leader elected yet, try again""#)}"#)
                id += 1
            }
        }
        // Pairs are written call-then-completion; the report pairs by id, whatever the order.
        try (lines.joined(separator: "\n") + "\n").write(to: layout.history, atomically: true, encoding: .utf8)
        if let verdict { try JSONEncoder().encode(verdict).write(to: layout.verdict) }
        return layout
    }

    @Test func theReportShowsTheVerdictFaultWindowsAvailabilityAndLogs() throws {
        let layout = try Self.makeRun()
        defer { try? FileManager.default.removeItem(at: layout.root) }
        let page = try RunReport.render(layout: layout)
        #expect(page.hasPrefix("<!DOCTYPE html>"))
        #expect(page.contains("VIOLATION") && page.contains("exit 1"))
        #expect(page.contains("cannot linearize: #7 p1 read r0-1 -&gt; 3"), "the explanation, escaped")
        #expect(page.contains("isolate leader n1 from n2 n3"), "the partition's window is labelled")
        #expect(page.contains("kill -9 n2"))
        #expect(page.contains(">partition n1</text>"), "label drawn on the timeline")
        // During the partition nothing succeeded, and no write completed for its 4 seconds.
        #expect(page.contains("5.0–9.0 s"))
        #expect(page.contains("<td>0%</td>"))
        #expect(page.contains("<td>4.00 s</td>"))
        #expect(page.contains("href=\"nodes/n2/node.log\""))
        #expect(page.contains("seed") && page.contains("42"))
        // n1 leads in term 2, then n3 in term 3.
        #expect(page.contains("<td>n3</td><td>3</td>"))
        // Self-contained: nothing fetched.
        #expect(!page.contains("src=\"http") && !page.contains("href=\"http") && !page.contains("@import"))
    }

    @Test func aLargeHistoryIsAggregatedAndStaysSmall() throws {
        let layout = try Self.makeRun(operationsPerNode: 50_000)  // 150,000 operations
        defer { try? FileManager.default.removeItem(at: layout.root) }
        let started = Date()
        let page = try RunReport.render(layout: layout)
        let seconds = Date().timeIntervalSince(started)
        print("report of 150,000 operations: \(page.utf8.count) bytes in \(String(format: "%.1f", seconds)) s")
        if let keep = ProcessInfo.processInfo.environment["CHAOS_KEEP_RUN"] {
            try page.write(toFile: keep + "/large-report.html", atomically: true, encoding: .utf8)
        }
        #expect(page.utf8.count < 2_000_000, "\(page.utf8.count) bytes")
        #expect(page.contains("150000 operations: each bar is a slice of time"))
        #expect(seconds < 120, "rendering took \(seconds) s")  // about 5 s of CPU in a debug build
    }

    @Test func aRunWithoutVerdictOrFaultsStillRenders() throws {
        let layout = try Self.makeRun(operationsPerNode: 5, verdict: nil)
        defer { try? FileManager.default.removeItem(at: layout.root) }
        try FileManager.default.removeItem(at: layout.faults)
        let page = try RunReport.render(layout: layout)
        #expect(page.contains("NO VERDICT"))
        #expect(page.contains("No fault windows were recorded"))
    }

    @Test func aMissingDirectoryIsAClearError() {
        #expect(throws: ReportError.self) { try RunReport.render(layout: RunLayout(root: URL(fileURLWithPath: "/nonexistent-\(getpid())"))) }
    }
}
