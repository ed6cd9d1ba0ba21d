/// A self-contained HTML page that shows where a history went wrong: the failing partition as a
/// timeline per process (one bar per operation from call to return), the failing operation, the
/// operations concurrent with it, and the longest linearization found, numbered in order.
public enum HTMLReport {
    public static func render(history: History, result: CheckResult, title: String) -> String {
        var body = "<h1>\(escape(title))</h1>\n<p class=verdict>\(escape(result.verdict.description)) &middot; \(result.operationCount) operations &middot; \(result.partitions.count) partition(s)</p>\n"
        guard let ex = result.explanation else {
            return page(title: title, body: body + "<p>No violation to explain.</p>")
        }
        body += "<pre class=summary>\(escape(ex.text))</pre>\n"
        body += timeline(ex)
        body += "<h2>Longest linearization found (\(ex.longestPrefix.count) operations)</h2>\n<ol>"
        for op in ex.longestPrefix { body += "<li>\(escape(op.summary))</li>" }
        body += "<li class=fail>cannot linearize next: \(escape(ex.failing.summary)) (state \(escape(ex.stateAfterPrefix)))</li></ol>\n"
        body += "<h2>Operations of this partition</h2>\n<table><tr><th>op</th><th>process</th><th>call</th><th>return</th><th>operation</th><th>error</th></tr>"
        for op in ex.partitionOperations {
            let cls = op.id == ex.failing.id ? " class=fail" : ""
            body += "<tr\(cls)><td>#\(op.id)</td><td>p\(op.process)</td><td>\(op.callTime)</td><td>\(op.returnTime.map(String.init) ?? "never")</td><td>\(escape(op.summary))</td><td>\(escape(op.error ?? ""))</td></tr>"
        }
        body += "</table>"
        return page(title: title, body: body)
    }

    private static func timeline(_ ex: Explanation) -> String {
        let ops = ex.partitionOperations
        guard !ops.isEmpty else { return "" }
        let processes = Array(Set(ops.map(\.process))).sorted()
        let row = Dictionary(uniqueKeysWithValues: processes.enumerated().map { ($1, $0) })
        let tMin = ops.map(\.callTime).min()!
        let tMaxReturned = ops.compactMap(\.returnTime).max() ?? tMin
        let tMax = max(tMaxReturned, ops.map(\.callTime).max()!) + 1
        let width = 1400.0, left = 70.0, rowHeight = 22.0
        let span = Double(tMax - tMin)
        func x(_ t: Int64) -> Double { left + (Double(t - tMin) / span) * (width - left - 20) }
        let order = Dictionary(uniqueKeysWithValues: ex.longestPrefix.enumerated().map { ($1.id, $0 + 1) })
        let concurrent = Set(ex.concurrent.map(\.id))
        let height = Double(processes.count) * rowHeight + 30
        var svg = "<h2>Timeline of the failing partition</h2>\n<p class=legend><span class=lin>linearized (number = order)</span> <span class=conc>concurrent with the failure</span> <span class=failbox>cannot be linearized</span> <span class=other>other</span>; a dashed right end never returned.</p>\n"
        svg += "<div class=scroll><svg width=\"\(Int(width))\" height=\"\(Int(height))\" xmlns=\"http://www.w3.org/2000/svg\">"
        for (i, p) in processes.enumerated() {
            let y = Double(i) * rowHeight + 15
            svg += "<text x=\"4\" y=\"\(y + 14)\" class=plabel>p\(p)</text><line x1=\"\(left)\" x2=\"\(width)\" y1=\"\(y + 18)\" y2=\"\(y + 18)\" class=grid/>"
        }
        for op in ops {
            let y = Double(row[op.process]!) * rowHeight + 15
            let x0 = x(op.callTime)
            let x1 = max(x0 + 4, op.returnTime.map(x) ?? (width - 20))
            let cls = op.id == ex.failing.id ? "failbox" : order[op.id] != nil ? "lin" : concurrent.contains(op.id) ? "conc" : "other"
            let dash = op.returnTime == nil ? " stroke-dasharray=\"4 2\"" : ""
            svg += "<g><title>\(escape(op.summary))\ncall \(op.callTime) return \(op.returnTime.map(String.init) ?? "never")\(op.error.map { "\nerror: " + escape($0) } ?? "")</title>"
            svg += "<rect x=\"\(x0)\" y=\"\(y)\" width=\"\(x1 - x0)\" height=\"16\" rx=\"3\" class=\"\(cls)\"\(dash)/>"
            let label = (order[op.id].map { "\($0): " } ?? "") + op.function + (op.input.isNull ? "" : " \(op.input)") + (op.output.isNull ? "" : " → \(op.output)")
            svg += "<text x=\"\(x0 + 3)\" y=\"\(y + 12)\" class=olabel>\(escape(label))</text></g>"
        }
        return svg + "</svg></div>\n"
    }

    private static func page(title: String, body: String) -> String {
        """
        <!doctype html>
        <html><head><meta charset="utf-8"><title>\(escape(title))</title>
        <style>
        body{font-family:system-ui,sans-serif;margin:1.5em;color:#222}
        .verdict{font-weight:bold} pre.summary{background:#f6f6f6;padding:.8em;border-left:4px solid #c33}
        .scroll{overflow-x:auto;border:1px solid #ddd} .grid{stroke:#eee}
        .plabel{font:12px monospace;fill:#555} .olabel{font:10px monospace;fill:#111;pointer-events:none}
        rect.lin,.lin{fill:#bfe5bf;background:#bfe5bf;stroke:#393} rect.conc,.conc{fill:#fde3a7;background:#fde3a7;stroke:#c90}
        rect.failbox,.failbox{fill:#f5b5b5;background:#f5b5b5;stroke:#c33;stroke-width:2} rect.other,.other{fill:#e4e4e4;background:#e4e4e4;stroke:#999}
        .legend span{padding:0 .4em;margin-right:.5em} table{border-collapse:collapse;font:12px monospace}
        td,th{border:1px solid #ddd;padding:2px 6px} tr.fail{background:#f5b5b5} li.fail{color:#c33;font-weight:bold}
        </style></head><body>
        \(body)
        </body></html>
        """
    }

    static func escape(_ s: String) -> String {
        var out = ""
        for c in s {
            switch c {
            case "<": out += "&lt;"
            case ">": out += "&gt;"
            case "&": out += "&amp;"
            case "\"": out += "&quot;"
            default: out.append(c)
            }
        }
        return out
    }
}
