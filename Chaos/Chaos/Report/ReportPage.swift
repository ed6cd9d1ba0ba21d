import Foundation

/// The HTML around the charts: the verdict banner, facts, tables, links and the page's CSS.
struct ReportPage {
    var parts: [String] = []

    mutating func verdict(_ v: RunVerdict?, stats: RunStatistics) {
        guard let v else {
            parts.append(#"<div class="verdict unknown"><div class="big">NO VERDICT</div><div>verdict.json is missing: the run did not finish, or was not checked yet (<code>raft-chaos check DIR</code>).</div></div>"#)
            return
        }
        let (cls, word): (String, String)
        switch v.outcome {
        case .passed: (cls, word) = ("passed", "PASSED")
        case .violation: (cls, word) = ("violation", "VIOLATION")
        case .unknown: (cls, word) = ("unknown", "UNKNOWN")
        case .harnessFailure: (cls, word) = ("harness", "HARNESS FAILURE")
        }
        var s = #"<div class="verdict \#(cls)"><div class="big">\#(word) <span class="exit">exit \#(v.outcome.exitCode)</span></div>"#
        s += "<div class=\"summary\">\(HTML.escape(v.summary))</div><ul>"
        if let serializability = v.serializability {
            s += "<li>serializability (list-append transactions): <b>\(HTML.escape(serializability))</b></li>"
        } else {
            s += "<li>linearizability: <b>\(HTML.escape(v.linearizability ?? "not checked"))</b></li>"
            s += "<li>lost acknowledged writes: <b>\(v.lostWrites.count)</b></li>"
        }
        s += "<li>recovered after the final heal: <b>\(v.recovered.map { $0 ? "yes" : "NO" } ?? "not checked")</b></li>"
        s += "<li>operations: \(v.ok) ok, \(v.fail) fail, \(v.info) info</li>"
        s += "<li>" + Self.auditLine(v) + "</li></ul>"
        if let e = v.explanation, !e.isEmpty { s += "<h3>Explanation</h3><pre>\(HTML.escape(e))</pre>" }
        if !v.lostWrites.isEmpty {
            s += "<h3>Lost writes</h3><pre>" + HTML.escape(v.lostWrites.prefix(200).joined(separator: "\n"))
                + (v.lostWrites.count > 200 ? "\n... and \(v.lostWrites.count - 200) more" : "") + "</pre>"
        }
        parts.append(s + "</div>")
    }

    mutating func facts(_ manifest: [String: Any]?, stats: RunStatistics) {
        var rows: [(String, String)] = []
        if let manifest {
            for key in manifest.keys.sorted() {
                rows.append((key, Self.describe(manifest[key]!)))
            }
        } else {
            rows.append(("run.json", "missing"))
        }
        let c = stats.counts
        let total = max(1, c.ok + c.fail + c.info + c.open)
        rows.append(("duration", String(format: "%.1f s", stats.duration)))
        rows.append(("operations", "\(c.ok + c.fail + c.info + c.open): \(c.ok) ok, \(c.fail) fail, \(c.info) info, \(c.open) never answered"
            + String(format: " (%.1f%% info or unanswered)", Double(c.info + c.open) * 100 / Double(total))))
        rows.append(("throughput", String(format: "%.0f ok/s on average", Double(c.ok) / stats.duration)))
        rows.append(("longest stretch with no successful write (while clients ran)", String(format: "%.2f s, from %.1f s", stats.longestWriteGap.length, stats.longestWriteGap.from)))
        parts.append("<h2>Run</h2>" + Self.table(["", ""], rows.map { [$0.0, $0.1] }, header: false))
    }

    static func describe(_ v: Any) -> String {
        if let s = v as? String { return s }
        if let a = v as? [Any] { return a.map(describe).joined(separator: " ") }
        if let d = v as? [String: Any] { return d.keys.sorted().map { "\($0)=\(describe(d[$0]!))" }.joined(separator: ", ") }
        return "\(v)"
    }

    mutating func section(_ title: String, note: String, legend: Bool, _ svg: String) {
        var s = "<h2>\(HTML.escape(title))</h2><p class=\"note\">\(HTML.escape(note))"
        if legend {
            s += #" <span class="key" style="background:\#(OutcomeColors.ok)"></span>ok <span class="key" style="background:\#(OutcomeColors.info)"></span>info <span class="key" style="background:\#(OutcomeColors.fail)"></span>fail; shaded: faults in force"#
        }
        parts.append(s + "</p><div class=\"chart\">" + svg + "</div>")
    }

    mutating func availability(_ stats: RunStatistics) {
        parts.append("<h2>Availability per fault</h2><p class=\"note\">Operations called while each fault was in force, and the longest time in its window with no write completing ok. Clients of a node that refuses connections (killed) call nothing until it is back.</p>")
        guard !stats.windows.isEmpty else {
            parts.append("<p>No fault windows were recorded (faults.jsonl is missing or empty).</p>")
            return
        }
        let rows = stats.windows.map { w -> [String] in
            [
                "<span class=\"key\" style=\"background:\(FaultColors.color(for: w.kind))\"></span>" + HTML.escape(w.kind),
                HTML.escape(w.description) + (w.targets.isEmpty ? "" : " <span class=\"dim\">[" + HTML.escape(w.targets.joined(separator: " ")) + "]</span>"),
                String(format: "%.1f–%.1f s%@", w.start, w.end, w.ended ? "" : " (never ended)"),
                "\(w.ok + w.fail + w.info)",
                w.okShare.map { String(format: "%.0f%%", $0 * 100) } ?? "–",
                "\(w.fail) / \(w.info)",
                String(format: "%.2f s", w.longestWriteGap),
            ]
        }
        parts.append(Self.table(["fault", "what", "window", "ops", "ok", "fail / info", "longest without a write"], rows, header: true, escaped: true))
    }

    mutating func leadershipChanges(_ stats: RunStatistics) {
        let changes = stats.leadership
        guard !changes.isEmpty else {
            parts.append("<h2>Leader and term changes</h2><p>No observations (cluster.jsonl is missing or empty).</p>")
            return
        }
        let shown = changes.prefix(300)
        let rows = shown.map { ch in
            [String(format: "%.2f s", ch.time), ch.leaders.isEmpty ? "none" : ch.leaders.joined(separator: ", ") + (ch.leaders.count > 1 ? " (SEVERAL)" : ""), ch.term.map(String.init) ?? "?"]
        }
        parts.append("<h2>Leader and term changes</h2><details><summary>\(changes.count) changes</summary>"
            + Self.table(["time", "leader", "highest term"], rows, header: true)
            + (changes.count > shown.count ? "<p>... and \(changes.count - shown.count) more</p>" : "") + "</details>")
    }

    mutating func faultLog(_ events: [FaultEvent], stats: RunStatistics) {
        guard !events.isEmpty else { return }
        let rows = events.sorted { $0.time < $1.time }.prefix(1000).map { e in
            [String(format: "%.2f s", stats.seconds(e.time)), e.phase.rawValue, "\(e.id)", e.kind, e.targets.joined(separator: " "), e.description]
        }
        parts.append("<h2>Fault log</h2><details><summary>\(events.count) events</summary>"
            + Self.table(["time", "phase", "id", "kind", "targets", "what"], Array(rows), header: true) + "</details>")
    }

    mutating func links(_ files: RunFiles, layout: RunLayout) {
        var items: [String] = []
        let fm = FileManager.default
        for url in [layout.manifest, layout.history, layout.faults, layout.cluster, layout.verdict, layout.verdictText, layout.harnessLog, layout.capture]
        where fm.fileExists(atPath: url.path) {
            items.append(Self.link(url.lastPathComponent))
        }
        for node in files.nodeFolders {
            let log = "nodes/\(node)/node.log"
            if fm.fileExists(atPath: layout.root.appendingPathComponent(log).path) {
                items.append(Self.link(log, label: "\(node)'s log"))
            }
        }
        parts.append("<h2>Files of this run</h2>" + (items.isEmpty ? "<p>none found</p>" : "<ul class=\"links\">" + items.map { "<li>\($0)</li>" }.joined() + "</ul>"))
    }

    mutating func problems(_ list: [String]) {
        guard !list.isEmpty else { return }
        parts.append("<h2>Could not read</h2><ul>" + list.map { "<li>\(HTML.escape($0))</li>" }.joined() + "</ul>")
    }

    static func link(_ path: String, label: String? = nil) -> String {
        let href = path.split(separator: "/").map { $0.addingPercentEncoding(withAllowedCharacters: .urlPathAllowed) ?? String($0) }.joined(separator: "/")
        return "<a href=\"\(HTML.escape(href))\">\(HTML.escape(label ?? path))</a>"
    }

    static func table(_ headers: [String], _ rows: [[String]], header: Bool, escaped: Bool = false) -> String {
        var s = "<table>"
        if header { s += "<tr>" + headers.map { "<th>\(HTML.escape($0))</th>" }.joined() + "</tr>" }
        for r in rows { s += "<tr>" + r.map { "<td>\(escaped ? $0 : HTML.escape($0))</td>" }.joined() + "</tr>" }
        return s + "</table>"
    }

    func html(title: String) -> String {
        """
        <!DOCTYPE html>
        <html lang="en"><head><meta charset="utf-8"><title>\(HTML.escape(title))</title>
        <style>
        body { font: 14px/1.4 system-ui, -apple-system, "Segoe UI", sans-serif; margin: 24px auto; max-width: 1140px; color: #222; padding: 0 12px; }
        h1 { font-size: 20px; margin: 0 0 12px; } h2 { font-size: 16px; margin: 28px 0 6px; border-bottom: 1px solid #ddd; padding-bottom: 3px; }
        h3 { font-size: 14px; margin: 12px 0 4px; }
        .verdict { border-radius: 6px; padding: 12px 16px; border: 2px solid; }
        .verdict.passed { background: #eaf6ec; border-color: #2e8b57; } .verdict.violation { background: #fdecea; border-color: #c0392b; }
        .verdict.unknown { background: #fff6e0; border-color: #d4a017; } .verdict.harness { background: #eee; border-color: #555; }
        .verdict .big { font-size: 22px; font-weight: 700; } .verdict .exit { font-size: 13px; font-weight: 400; color: #555; }
        .verdict ul { margin: 6px 0; padding-left: 20px; } .summary { font-size: 15px; margin-top: 4px; }
        pre { background: #f6f6f6; padding: 8px; overflow-x: auto; font-size: 12px; white-space: pre-wrap; }
        table { border-collapse: collapse; font-size: 13px; } td, th { border-bottom: 1px solid #eee; padding: 3px 10px 3px 0; text-align: left; vertical-align: top; }
        .note { color: #555; margin: 2px 0 6px; } .dim { color: #777; }
        .key { display: inline-block; width: 10px; height: 10px; margin: 0 3px 0 8px; vertical-align: middle; border-radius: 2px; }
        .chart svg { max-width: 100%; height: auto; } .axis { stroke: #999; } .grid { stroke: #eee; }
        .tick { font-size: 10px; fill: #555; } .flabel { font-size: 10px; font-weight: 600; } .blabel { font-size: 11px; fill: #fff; }
        .links li { display: inline-block; margin-right: 14px; } details summary { cursor: pointer; color: #345; }
        .violation { border-left: 4px solid #c0392b; padding: 2px 0 2px 10px; margin: 10px 0; } .violation:target { background: #fdecea; }
        </style></head><body>
        <h1>\(HTML.escape(title))</h1>
        \(parts.joined(separator: "\n"))
        </body></html>

        """
    }
}
