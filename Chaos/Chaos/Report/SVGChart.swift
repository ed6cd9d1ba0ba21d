import Foundation

/// A chart's frame: a time axis shared by every chart of the report (so fault windows line up
/// from one to the next), a plot area, and the SVG text being built.
struct SVGChart {
    static let width = 1100.0
    static let left = 64.0
    static let right = 16.0
    static var plotWidth: Double { width - left - right }

    let duration: Double
    let height: Double
    let top: Double
    let plotHeight: Double
    private(set) var body = ""

    init(duration: Double, plotHeight: Double, top: Double = 8, bottom: Double = 22) {
        self.duration = duration
        self.top = top
        self.plotHeight = plotHeight
        self.height = top + plotHeight + bottom
    }

    func x(_ seconds: Double) -> Double { Self.left + max(0, min(1, seconds / duration)) * Self.plotWidth }

    mutating func add(_ element: String) { body += element + "\n" }

    /// The shaded windows of every fault, drawn first so everything else lies on top.
    mutating func shade(_ windows: [RunStatistics.FaultWindow], labels: Bool) {
        var rowsEnd: [Double] = []
        for w in windows {
            let x0 = x(w.start), x1 = max(x(w.end), x0 + 2)
            let color = FaultColors.color(for: w.kind)
            add(#"<rect x="\#(f(x0))" y="\#(f(top))" width="\#(f(x1 - x0))" height="\#(f(plotHeight))" fill="\#(color)" fill-opacity="0.16"><title>\#(HTML.escape("\(w.kind): \(w.description)"))</title></rect>"#)
            add(#"<line x1="\#(f(x0))" x2="\#(f(x0))" y1="\#(f(top))" y2="\#(f(top + plotHeight))" stroke="\#(color)" stroke-opacity="0.6"/>"#)
            guard labels else { continue }
            // Labels go on the first row where they do not overlap an earlier one.
            let label = w.kind + (w.targets.isEmpty ? "" : " " + w.targets.joined(separator: ","))
            let textWidth = Double(label.count) * 6.2
            var row = rowsEnd.firstIndex { $0 < x0 } ?? rowsEnd.count
            if row == rowsEnd.count { rowsEnd.append(0) }
            if row > 3 { row = 3 }  // the timeline leaves room for four rows of labels above the plot
            rowsEnd[row] = x0 + textWidth + 4
            add(#"<text x="\#(f(x0 + 2))" y="\#(f(top - 4 - Double(row) * 12))" class="flabel" fill="\#(color)">\#(HTML.escape(label))</text>"#)
        }
    }

    mutating func instants(_ marks: [(time: Double, kind: String, description: String)]) {
        for m in marks {
            let px = x(m.time)
            add(#"<path d="M\#(f(px - 4)) \#(f(top)) L\#(f(px + 4)) \#(f(top)) L\#(f(px)) \#(f(top + 7)) Z" fill="\#(FaultColors.color(for: m.kind))"><title>\#(HTML.escape("\(m.kind) at \(f(m.time)) s: \(m.description)"))</title></path>"#)
        }
    }

    /// The time axis under the plot, with about ten ticks at round seconds.
    mutating func timeAxis() {
        let y = top + plotHeight
        add(#"<line x1="\#(f(Self.left))" x2="\#(f(Self.left + Self.plotWidth))" y1="\#(f(y))" y2="\#(f(y))" class="axis"/>"#)
        let step = Self.niceStep(duration / 10)
        var t = 0.0
        while t <= duration + 1e-9 {
            add(#"<line x1="\#(f(x(t)))" x2="\#(f(x(t)))" y1="\#(f(y))" y2="\#(f(y + 4))" class="axis"/><text x="\#(f(x(t)))" y="\#(f(y + 15))" class="tick" text-anchor="middle">\#(Self.formatSeconds(t))</text>"#)
            t += step
        }
    }

    /// A vertical axis from 0 to `maximum`, with a unit.
    mutating func valueAxis(maximum: Double, unit: String) {
        let step = Self.niceStep(maximum / 4)
        var v = 0.0
        while v <= maximum + 1e-9 {
            let y = yValue(v, maximum: maximum)
            add(#"<line x1="\#(f(Self.left))" x2="\#(f(Self.left + Self.plotWidth))" y1="\#(f(y))" y2="\#(f(y))" class="grid"/><text x="\#(f(Self.left - 6))" y="\#(f(y + 4))" class="tick" text-anchor="end">\#(Self.formatNumber(v))</text>"#)
            v += step
        }
        add(#"<text x="12" y="\#(f(top + plotHeight / 2))" class="tick" transform="rotate(-90 12 \#(f(top + plotHeight / 2)))" text-anchor="middle">\#(HTML.escape(unit))</text>"#)
    }

    func yValue(_ v: Double, maximum: Double) -> Double { top + plotHeight - min(1, v / max(maximum, 1e-9)) * plotHeight }

    /// A polyline through (seconds, value) points; nil values break the line.
    mutating func line(_ points: [(Double, Double?)], maximum: Double, color: String, name: String, dashed: Bool = false) {
        var d = ""
        var pen = false
        for (t, v) in points {
            guard let v else { pen = false; continue }
            d += (pen ? "L" : "M") + f(x(t)) + " " + f(yValue(v, maximum: maximum)) + " "
            pen = true
        }
        add(#"<path d="\#(d)" fill="none" stroke="\#(color)" stroke-width="1.5"\#(dashed ? #" stroke-dasharray="4 3""# : "")><title>\#(HTML.escape(name))</title></path>"#)
    }

    func svg(title: String) -> String {
        #"<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 \#(f(Self.width)) \#(f(height))" width="\#(f(Self.width))" height="\#(f(height))" role="img" aria-label="\#(HTML.escape(title))">"#
            + "\n" + body + "</svg>"
    }

    static func niceStep(_ raw: Double) -> Double {
        guard raw > 0 else { return 1 }
        let magnitude = pow(10, floor(log10(raw)))
        for m in [1.0, 2, 5, 10] where m * magnitude >= raw { return m * magnitude }
        return 10 * magnitude
    }

    static func formatSeconds(_ t: Double) -> String {
        t >= 120 ? String(format: "%.0fm%02.0fs", floor(t / 60), t.truncatingRemainder(dividingBy: 60)) : String(format: t == t.rounded() ? "%.0fs" : "%.1fs", t)
    }

    static func formatNumber(_ v: Double) -> String {
        v >= 10_000 ? String(format: "%.0fk", v / 1000) : v == v.rounded() ? String(format: "%.0f", v) : String(format: "%.2g", v)
    }
}

/// Two decimals are plenty for pixel coordinates, and keep the page small.
func f(_ v: Double) -> String { String(format: "%.1f", v) }

/// One colour per kind of fault, the same in every chart and table.
enum FaultColors {
    static let known: [String: String] = [
        "kill": "#c0392b", "restart": "#c0392b", "pause": "#8e44ad", "partition": "#d35400", "link": "#16a085",
        "delay": "#16a085", "loss": "#16a085", "membership": "#2c3e50", "transfer": "#7f8c8d", "heal": "#27ae60",
    ]
    static let others = ["#b7950b", "#1f618d", "#6c3483", "#117a65", "#922b21"]

    static func color(for kind: String) -> String {
        if let c = known[kind] { return c }
        let sum = kind.unicodeScalars.reduce(0) { $0 &+ Int($1.value) }
        return others[sum % others.count]
    }
}

/// Outcome colours, Jepsen's convention: ok blue, info orange, fail pink.
enum OutcomeColors {
    static let ok = "#3b7dd8", info = "#f0a030", fail = "#e5739a"
}

enum HTML {
    static func escape(_ s: String) -> String {
        var out = ""
        out.reserveCapacity(s.count)
        for c in s {
            switch c {
            case "&": out += "&amp;"
            case "<": out += "&lt;"
            case ">": out += "&gt;"
            case "\"": out += "&quot;"
            case "'": out += "&#39;"
            default: out.append(c)
            }
        }
        return out
    }
}
