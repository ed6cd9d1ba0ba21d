import Foundation

/// The report's view of the peer-traffic audit (verdict.json's `peerTraffic`): a line in the
/// verdict banner that links down to the section, and the section itself, where each violation
/// has an anchor of its own (`#audit-1`, ...) and names its frames by packet number, time, link
/// and term, with the commands that show them in context.
extension ReportPage {
    static func auditLine(_ v: RunVerdict) -> String {
        guard let a = v.peerTraffic else {
            return "peer-traffic audit: <b>not run</b>" + (v.peerTrafficNote.map { " <span class=\"dim\">(\(HTML.escape($0)))</span>" } ?? "")
        }
        if a.passed { return "peer-traffic audit: <b>\(HTML.escape(a.headline))</b> (<a href=\"#audit\">details</a>)" }
        let links = a.violations.indices.map { "<a href=\"#audit-\($0 + 1)\">\($0 + 1)</a>" }.joined(separator: " ")
        return "peer-traffic audit: <b>FAILED, \(a.violations.count) violation(s)</b>: \(links) (<a href=\"#audit\">the audit</a>)"
    }

    mutating func peerTrafficAudit(_ v: RunVerdict?) {
        var s = "<h2 id=\"audit\">Peer-traffic audit</h2>"
        guard let v, let a = v.peerTraffic else {
            s += "<p>No audit: " + HTML.escape(v?.peerTrafficNote ?? "the run recorded no capture of its peer traffic") + ".</p>"
            parts.append(s)
            return
        }
        s += "<p class=\"note\">Every Raft message between the nodes, captured into \(Self.link(a.file)) and decoded with the node's own codec "
        s += "(the relay's two legs of each message paired), checked against Raft's safety properties: one leader per term, one vote per voter per term, "
        s += "terms never going backwards on a link, Log Matching, a log's terms in order, no committed entry contradicted (docs/CAPTURE.md).</p>"
        let facts: [[String]] = [
            ["captured", "\(a.packets) packets (dropped by the kernel: \(a.droppedByKernel)), \(a.frames) frames, \(a.messages) Raft messages"],
            ["decoded", a.damaged == 0 ? "completely" : "\(a.damaged) damaged stretch(es): see harness.log"],
            ["elections and terms", "\(a.elections) elections, \(a.terms) terms, \(a.termsWithLeader) with a leader"],
        ]
        s += Self.table(["", ""], facts, header: false)
        if a.passed {
            s += "<p><b>\(HTML.escape(a.headline))</b></p>"
            parts.append(s)
            return
        }
        s += "<p><b>FAILED: \(a.violations.count) violation(s)</b> (at most 20 of each kind are listed). "
        s += "Around a frame: <code>raft-chaos replay \(HTML.escape(a.file)) --relay-map run.json --timeline</code>; "
        s += "one packet in Wireshark's terms: <code>tshark -r \(HTML.escape(a.file)) -Y 'frame.number == N'</code>.</p>"
        for (i, violation) in a.violations.enumerated() {
            s += "<div class=\"violation\" id=\"audit-\(i + 1)\"><h3><a href=\"#audit-\(i + 1)\">\(i + 1).</a> "
            s += HTML.escape(violation.property) + " (term \(violation.term))</h3><p>" + HTML.escape(violation.detail) + "</p>"
            let rows = violation.frames.map { f in
                ["#\(f.packet)", f.seconds + " s", "\(f.from) → \(f.to)", "\(f.term)", "<code>" + HTML.escape(f.line.trimmingCharacters(in: .whitespaces)) + "</code>"]
            }
            s += Self.table(["packet", "time", "link", "term", "message"], rows.map { r in r.enumerated().map { $0 == 4 ? $1 : HTML.escape($1) } }, header: true, escaped: true)
            s += "</div>"
        }
        parts.append(s)
    }
}
