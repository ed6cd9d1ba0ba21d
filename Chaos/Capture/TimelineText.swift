// The timeline for people: one line per Raft message, seconds from the capture's first packet.
//
//     0.104233  #57     1 -> 2   AppendEntries          term 2  prev 3/2 commit 3 entries 1  [4/2 SET k v]
import RaftCore

public enum TimelineText {
    /// Entries listed per AppendEntries line before the rest are counted.
    static let entriesShown = 4

    public static func render(_ timeline: Timeline, capture: DecodedCapture) -> String {
        var out = ""
        out.reserveCapacity(timeline.messages.count * 100)
        for m in timeline.messages { out += line(m, start: capture.startTime) + "\n" }
        return out
    }

    public static func line(_ t: TimelineMessage, start: Int64) -> String {
        let m = t.message
        var s = seconds(t.frame.time - start).leftPadded(11, with: " ")
        s += "  " + ("#\(t.frame.packet)").padded(8)
        s += (" \(m.from) -> \(m.to)").padded(10)
        s += " " + MessageSummary.typeName(m.body).padded(24)
        s += "term \(m.term)"
        for (name, value) in MessageSummary.fields(m.body) where name != "entries" || value != "0" {
            s += name == "prev" ? " prev \(value)" : " \(name) \(value)"
        }
        if case .appendEntries(let b) = m.body, !b.entries.isEmpty {
            var shown = b.entries.prefix(entriesShown).map { MessageSummary.entry($0) }
            if b.entries.count > entriesShown { shown.append("+\(b.entries.count - entriesShown) more") }
            s += "  [" + shown.joined(separator: "; ") + "]"
        }
        switch t.fate {
        case nil: break
        case .delivered(let d): s += "  (relay \(milliseconds(d)))"
        case .dropped: s += "  (DROPPED by relay)"
        case .duplicated(let n, let d): s += "  (relay \(milliseconds(d)), DUPLICATED x\(n))"
        }
        return s
    }

    /// `1.234567`: seconds with microseconds.
    static func seconds(_ nanos: Int64) -> String {
        let sign = nanos < 0 ? "-" : ""
        let n = abs(nanos)
        return "\(sign)\(n / 1_000_000_000).\(String(n % 1_000_000_000 / 1000).leftPadded(6))"
    }

    /// `+0.412 ms`.
    static func milliseconds(_ nanos: Int64) -> String {
        let us = nanos / 1000
        let sign = us < 0 ? "-" : "+"
        return "\(sign)\(abs(us) / 1000).\(String(abs(us) % 1000).leftPadded(3)) ms"
    }
}

extension String {
    func padded(_ width: Int) -> String {
        count >= width ? self : self + String(repeating: " ", count: width - count)
    }
}
