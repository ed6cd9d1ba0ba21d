import Foundation

/// `report.html`: one self-contained page (inline CSS and SVG, nothing fetched) that shows a
/// person what a chaos run did and found: the verdict on top, the operations on a timeline with
/// the fault windows shaded, throughput and latency, leadership and terms, the audit of the
/// captured peer traffic, availability per fault, the fault log, and links to every node's log
/// in the run directory. A history of a few hundred thousand operations is aggregated, not
/// drawn op by op, so the page stays small.
public enum RunReport {
    public static func render(layout: RunLayout) throws -> String {
        let files = try RunFiles(layout: layout)
        let stats = RunStatistics(files)
        let charts = ReportCharts(stats: stats, files: files)
        var page = ReportPage()
        page.verdict(files.verdict, stats: stats)
        page.facts(files.manifest, stats: stats)
        page.section("Operations over time", note: files.operations.count > ReportCharts.detailLimit
            ? "\(files.operations.count) operations: each bar is a slice of time, its height the operations called then, split by how they ended."
            : "Each bar is one operation, from its call to its completion; hover for details.",
            legend: true, charts.timeline())
        let slice = stats.bucketSeconds == 1 ? "second" : String(format: "%g s", stats.bucketSeconds)
        page.section("Throughput", note: "Operations completed per second (counted per \(slice)), by how they ended.", legend: true, charts.throughput())
        page.section("Latency", note: "Operations that completed ok: p50 (dark) and p99 (red) per \(slice).", legend: false, charts.latency())
        page.section("Leadership and terms", note: "Who claimed to lead, as the harness observed (red: several at once), and the highest term seen.", legend: false, charts.leadership())
        page.peerTrafficAudit(files.verdict)
        page.availability(stats)
        page.leadershipChanges(stats)
        page.faultLog(files.faults, stats: stats)
        page.links(files, layout: layout)
        page.problems(files.problems)
        return page.html(title: "raft-chaos run " + layout.root.lastPathComponent)
    }
}
