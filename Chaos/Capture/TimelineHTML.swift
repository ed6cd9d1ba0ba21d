// The timeline as a sequence diagram: one column per node, one arrow per message, in a single
// HTML page with inline SVG (no scripts from elsewhere), so it can be mailed or archived.
// Hovering an arrow shows the message's timeline line.
import RaftCore

public enum TimelineHTML {
    /// Arrows drawn at most; the page says how many were left out.
    public static let maxMessages = 5000

    public static func render(_ timeline: Timeline, capture: DecodedCapture, title: String) -> String {
        var nodes = Set<NodeID>()
        for m in timeline.messages { nodes.insert(m.message.from); nodes.insert(m.message.to) }
        let columns = nodes.sorted { a, b in
            if let x = Int(a.rawValue), let y = Int(b.rawValue) { return x < y }
            return a < b
        }
        let x = Dictionary(uniqueKeysWithValues: columns.enumerated().map { ($1, 180 + $0 * 160) })
        let shown = timeline.messages.prefix(maxMessages)
        let rowHeight = 18
        let top = 50
        let width = 180 + max(columns.count, 1) * 160
        let height = top + shown.count * rowHeight + 30

        var svg = "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"\(width)\" height=\"\(height)\" font-family=\"monospace\" font-size=\"11\">\n"
        for n in columns {
            let cx = x[n]!
            svg += "<text x=\"\(cx)\" y=\"20\" text-anchor=\"middle\" font-weight=\"bold\">node \(escape(n.rawValue))</text>"
            svg += "<line x1=\"\(cx)\" y1=\"28\" x2=\"\(cx)\" y2=\"\(height - 10)\" stroke=\"#bbb\"/>\n"
        }
        for (row, t) in shown.enumerated() {
            let y = top + row * rowHeight
            let m = t.message
            let x1 = x[m.from]!, x2 = x[m.to]!
            let colour = colourOf(m.body, fate: t.fate)
            let line = TimelineText.line(t, start: capture.startTime)
            svg += "<g><title>\(escape(line))</title>"
            svg += "<text x=\"4\" y=\"\(y + 4)\" fill=\"#666\">\(TimelineText.seconds(t.frame.time - capture.startTime))</text>"
            let dash = t.fate == .dropped ? " stroke-dasharray=\"4 3\"" : ""
            svg += "<line x1=\"\(x1)\" y1=\"\(y)\" x2=\"\(x2)\" y2=\"\(y)\" stroke=\"\(colour)\" stroke-width=\"1.5\"\(dash)/>"
            let dir = x2 >= x1 ? -6 : 6
            svg += "<polygon points=\"\(x2),\(y) \(x2 + dir),\(y - 4) \(x2 + dir),\(y + 4)\" fill=\"\(colour)\"/>"
            let label = MessageSummary.typeName(m.body) + " t\(m.term)" + (t.fate == .dropped ? " DROPPED" : "")
            svg += "<text x=\"\((x1 + x2) / 2)\" y=\"\(y - 3)\" text-anchor=\"middle\" fill=\"\(colour)\">\(escape(label))</text></g>\n"
        }
        svg += "</svg>"

        var page = "<!DOCTYPE html>\n<html><head><meta charset=\"utf-8\"><title>\(escape(title))</title>"
        page += "<style>body{font-family:sans-serif;margin:1em} svg text{pointer-events:none} g:hover line{stroke-width:4}</style></head><body>\n"
        page += "<h1>Peer messages: \(escape(title))</h1>\n"
        page += "<p>\(capture.packets) packets, \(capture.frames.count) frames, \(timeline.messages.count) Raft messages"
        if timeline.messages.count > shown.count { page += "; the first \(shown.count) are drawn" }
        page += ". Hover an arrow for its fields. Blue: replication, orange: elections, grey: responses, red dashed: dropped by the relay.</p>\n"
        let damage = capture.problems.filter(\.isDamage)
        if !damage.isEmpty {
            page += "<h2>Undecodable stream data</h2><ul>" + damage.map { "<li>\(escape($0.description))</li>" }.joined() + "</ul>\n"
        }
        return page + svg + "\n</body></html>\n"
    }

    static func colourOf(_ body: Message.Body, fate: TimelineMessage.RelayFate?) -> String {
        if fate == .dropped { return "#c00" }
        switch body {
        case .appendEntries, .installSnapshot: return "#1f5fbf"
        case .requestVote, .timeoutNow: return "#d9730d"
        case .requestVoteResponse(let b): return b.granted ? "#2a8a2a" : "#999"
        default: return "#888"
        }
    }

    static func escape(_ s: String) -> String {
        var o = ""
        for c in s {
            switch c {
            case "&": o += "&amp;"
            case "<": o += "&lt;"
            case ">": o += "&gt;"
            case "\"": o += "&quot;"
            default: o.append(c)
            }
        }
        return o
    }
}
