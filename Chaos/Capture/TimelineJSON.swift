// The timeline for tools: one JSON document with the capture's counts, every message (with its
// fields, its entries and what the relay did to it) and every stream problem. Written by hand
// so keys keep a fixed order and a million messages do not go through Foundation's dictionaries.
import RaftCore

public enum TimelineJSON {
    public static func render(_ timeline: Timeline, capture: DecodedCapture) -> String {
        var o = "{\n"
        o += "  \"packets\": \(capture.packets),\n  \"frames\": \(capture.frames.count),\n"
        o += "  \"messages\": [\n"
        for (i, t) in timeline.messages.enumerated() {
            o += "    " + message(t, start: capture.startTime) + (i + 1 < timeline.messages.count ? ",\n" : "\n")
        }
        o += "  ],\n  \"problems\": [\n"
        for (i, p) in capture.problems.enumerated() {
            o += "    {\"stream\": \(p.stream), \"source\": \(quote(p.source.description)), \"destination\": \(quote(p.destination.description)), "
            o += "\"packet\": \(p.packet), \"offset\": \(p.offset), \"damage\": \(p.isDamage), \"description\": \(quote(p.description))}"
            o += i + 1 < capture.problems.count ? ",\n" : "\n"
        }
        o += "  ]\n}\n"
        return o
    }

    static func message(_ t: TimelineMessage, start: Int64) -> String {
        let m = t.message
        var o = "{\"time\": \(TimelineText.seconds(t.frame.time - start)), \"packet\": \(t.frame.packet), "
        o += "\"from\": \(quote(m.from.rawValue)), \"to\": \(quote(m.to.rawValue)), "
        o += "\"type\": \(quote(MessageSummary.typeName(m.body))), \"term\": \(m.term.rawValue)"
        for (name, value) in MessageSummary.fields(m.body) where name != "entries" {
            let isNumberOrBool = value == "true" || value == "false" || UInt64(value) != nil
            o += ", \(quote(name)): " + (isNumberOrBool ? value : quote(value))
        }
        if case .appendEntries(let b) = m.body {
            o += ", \"entries\": [" + b.entries.map { e in
                "{\"index\": \(e.index.rawValue), \"term\": \(e.term.rawValue), \"kind\": \(quote("\(e.kind)")), \"content\": \(quote(MessageSummary.entryContent(e, maxLength: 200)))}"
            }.joined(separator: ", ") + "]"
        }
        switch t.fate {
        case nil: break
        case .delivered(let d): o += ", \"relay\": {\"fate\": \"delivered\", \"delayMicros\": \(d / 1000), \"deliveredPacket\": \(t.deliveries[0].packet)}"
        case .dropped: o += ", \"relay\": {\"fate\": \"dropped\"}"
        case .duplicated(let n, let d): o += ", \"relay\": {\"fate\": \"duplicated\", \"copies\": \(n), \"delayMicros\": \(d / 1000), \"deliveredPacket\": \(t.deliveries[0].packet)}"
        }
        return o + "}"
    }

    static func quote(_ s: String) -> String {
        var o = "\""
        for u in s.unicodeScalars {
            switch u {
            case "\"": o += "\\\""
            case "\\": o += "\\\\"
            case "\n": o += "\\n"
            case "\r": o += "\\r"
            case "\t": o += "\\t"
            default:
                if u.value < 0x20 { o += "\\u" + String(u.value, radix: 16).leftPadded(4) } else { o.unicodeScalars.append(u) }
            }
        }
        return o + "\""
    }
}
