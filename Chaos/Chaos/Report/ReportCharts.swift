/// The report's four charts on one time axis: operations per node, throughput, latency, and
/// leadership. Each is an inline SVG string.
struct ReportCharts {
    let stats: RunStatistics
    let files: RunFiles
    var operations: [ReportOperation] { files.operations }

    /// Above this many operations the timeline aggregates per time slice instead of drawing each.
    static let detailLimit = 4000

    /// One lane per node. Few operations: each is a bar from call to completion, coloured by how
    /// it ended, with a tooltip. Many: per slice of time, a stacked bar of ok, info and fail.
    func timeline() -> String {
        let laneHeight = 30.0
        let nodes = stats.nodes.isEmpty ? ["?"] : stats.nodes
        var c = SVGChart(duration: stats.duration, plotHeight: laneHeight * Double(nodes.count), top: 52)
        c.shade(stats.windows, labels: true)
        c.instants(stats.instants)
        let lane = Dictionary(uniqueKeysWithValues: nodes.enumerated().map { ($1, $0) })
        for (i, n) in nodes.enumerated() {
            let y = c.top + Double(i) * laneHeight
            c.add(#"<text x="\#(f(SVGChart.left - 6))" y="\#(f(y + laneHeight / 2 + 4))" class="tick" text-anchor="end">\#(HTML.escape(n))</text>"#)
            c.add(#"<line x1="\#(f(SVGChart.left))" x2="\#(f(SVGChart.left + SVGChart.plotWidth))" y1="\#(f(y + laneHeight))" y2="\#(f(y + laneHeight))" class="grid"/>"#)
        }
        if operations.count <= Self.detailLimit {
            for op in operations {
                guard let l = lane[op.node] ?? lane["?"] else { continue }
                let x0 = c.x(stats.seconds(op.start))
                let x1 = max(x0 + 1.5, c.x(op.end.map(stats.seconds) ?? stats.duration))
                let y = c.top + Double(l) * laneHeight + 3 + Double(op.process % 8) * 3.1
                let color = Self.color(op.ending)
                let tip = files.describe(op) + " at \(f(stats.seconds(op.start))) s"
                c.add(#"<rect x="\#(f(x0))" y="\#(f(y))" width="\#(f(x1 - x0))" height="2.4" fill="\#(color)"><title>\#(HTML.escape(tip))</title></rect>"#)
            }
        } else {
            let slices = Int(SVGChart.plotWidth / 3)
            var counts = Array(repeating: Array(repeating: (ok: 0, info: 0, fail: 0), count: slices), count: nodes.count)
            for op in operations {
                guard let l = lane[op.node] else { continue }
                let s = min(slices - 1, max(0, Int(stats.seconds(op.start) / stats.duration * Double(slices))))
                switch op.ending {
                case .ok: counts[l][s].ok += 1
                case .info, .open: counts[l][s].info += 1
                case .fail: counts[l][s].fail += 1
                }
            }
            for l in 0..<nodes.count {
                let peak = Double(counts[l].map { $0.ok + $0.info + $0.fail }.max() ?? 1)
                let bottom = c.top + Double(l + 1) * laneHeight - 1
                for s in 0..<slices {
                    let k = counts[l][s]
                    guard k.ok + k.info + k.fail > 0 else { continue }
                    let x = SVGChart.left + Double(s) * 3
                    var y = bottom
                    for (n, color) in [(k.ok, OutcomeColors.ok), (k.info, OutcomeColors.info), (k.fail, OutcomeColors.fail)] where n > 0 {
                        let h = max(1, Double(n) / peak * (laneHeight - 4))
                        y -= h
                        c.add(#"<rect x="\#(f(x))" y="\#(f(y))" width="2.6" height="\#(f(h))" fill="\#(color)"/>"#)
                    }
                }
            }
        }
        c.timeAxis()
        return c.svg(title: "operations per node over time")
    }

    static func color(_ e: ReportOperation.Ending) -> String {
        switch e {
        case .ok: return OutcomeColors.ok
        case .fail: return OutcomeColors.fail
        case .info, .open: return OutcomeColors.info
        }
    }

    /// Operations completed per second, by how they ended.
    func throughput() -> String {
        var c = SVGChart(duration: stats.duration, plotHeight: 150)
        let per = 1 / stats.bucketSeconds
        let maximum = max(1, stats.buckets.map { Double(max($0.ok, $0.info, $0.fail)) * per }.max() ?? 1) * 1.05
        c.shade(stats.windows, labels: false)
        c.valueAxis(maximum: maximum, unit: "ops/s")
        let t = { (i: Int) in (Double(i) + 0.5) * stats.bucketSeconds }
        c.line(stats.buckets.enumerated().map { (t($0), Double($1.ok) * per) }, maximum: maximum, color: OutcomeColors.ok, name: "ok/s")
        c.line(stats.buckets.enumerated().map { (t($0), Double($1.info) * per) }, maximum: maximum, color: OutcomeColors.info, name: "info/s")
        c.line(stats.buckets.enumerated().map { (t($0), Double($1.fail) * per) }, maximum: maximum, color: OutcomeColors.fail, name: "fail/s")
        c.timeAxis()
        return c.svg(title: "throughput")
    }

    /// Latency of the operations that completed ok, p50 and p99 per second (milliseconds).
    func latency() -> String {
        var c = SVGChart(duration: stats.duration, plotHeight: 150)
        let maximum = max(1, stats.buckets.compactMap(\.p99).max() ?? 1) * 1.05
        c.shade(stats.windows, labels: false)
        c.valueAxis(maximum: maximum, unit: "ms")
        let t = { (i: Int) in (Double(i) + 0.5) * stats.bucketSeconds }
        c.line(stats.buckets.enumerated().map { (t($0), $1.p99) }, maximum: maximum, color: "#a33", name: "p99 latency")
        c.line(stats.buckets.enumerated().map { (t($0), $1.p50) }, maximum: maximum, color: "#333", name: "p50 latency")
        c.timeAxis()
        return c.svg(title: "latency")
    }

    /// The highest term seen (a step line) and, under it, who claimed leadership (a band per
    /// node; two at once are drawn in red).
    func leadership() -> String {
        var c = SVGChart(duration: stats.duration, plotHeight: 110)
        let maxTerm = Double(stats.leadership.compactMap(\.term).max() ?? 1)
        c.shade(stats.windows, labels: false)
        let bandTop = c.top + 80, bandHeight = 22.0
        c.add(#"<text x="\#(f(SVGChart.left - 6))" y="\#(f(bandTop + 15))" class="tick" text-anchor="end">leader</text>"#)
        c.add(#"<text x="\#(f(SVGChart.left - 6))" y="\#(f(c.top + 12))" class="tick" text-anchor="end">term \#(Int(maxTerm))</text>"#)
        let changes = stats.leadership
        for (i, ch) in changes.enumerated() {
            let end = i + 1 < changes.count ? changes[i + 1].time : stats.duration
            let x0 = c.x(ch.time), x1 = max(c.x(end), x0 + 1)
            let fill: String
            let label: String
            switch ch.leaders.count {
            case 0: fill = "#ddd"; label = "no leader"
            case 1: fill = NodeColors.color(ch.leaders[0], among: stats.nodes); label = ch.leaders[0]
            default: fill = "#d62728"; label = "several: " + ch.leaders.joined(separator: ",")
            }
            let tip = "\(label), term \(ch.term.map(String.init) ?? "?") from \(f(ch.time)) s"
            c.add(#"<rect x="\#(f(x0))" y="\#(f(bandTop))" width="\#(f(x1 - x0))" height="\#(f(bandHeight))" fill="\#(fill)"><title>\#(HTML.escape(tip))</title></rect>"#)
            if x1 - x0 > Double(label.count) * 6.5 {
                c.add(#"<text x="\#(f(x0 + 3))" y="\#(f(bandTop + 15))" class="blabel">\#(HTML.escape(label))</text>"#)
            }
        }
        // The term as a step line.
        var d = ""
        for (i, ch) in changes.enumerated() {
            let y = c.top + 70 - Double(ch.term ?? 0) / max(maxTerm, 1) * 62
            let x0 = c.x(ch.time)
            let x1 = c.x(i + 1 < changes.count ? changes[i + 1].time : stats.duration)
            d += (i == 0 ? "M" : "L") + f(x0) + " " + f(y) + " L" + f(x1) + " " + f(y) + " "
            if let term = ch.term, i == 0 || changes[i - 1].term != term, x1 - x0 > 12 {
                c.add(#"<text x="\#(f(x0 + 2))" y="\#(f(y - 3))" class="tick">\#(term)</text>"#)
            }
        }
        if !d.isEmpty { c.add(##"<path d="\##(d)" fill="none" stroke="#555" stroke-width="1.5"><title>highest term seen</title></path>"##) }
        c.timeAxis()
        return c.svg(title: "leadership and terms")
    }
}

/// A stable colour per node.
enum NodeColors {
    static let palette = ["#4e79a7", "#59a14f", "#9c755f", "#76b7b2", "#edc948", "#b07aa1", "#ff9da7", "#bab0ac", "#f28e2b"]
    static func color(_ node: String, among nodes: [String]) -> String {
        palette[(nodes.firstIndex(of: node) ?? 0) % palette.count]
    }
}
