// What a chaos run's report needs from its capture in one call: decode peers.pcap, pair the
// relay's legs, audit, and say it in a few lines (with the audit's verdict for the exit code).
import Foundation

public struct CaptureSummary: Sendable {
    public var packets: Int
    public var frames: Int
    public var messages: Int
    /// Undecodable or missing bytes (not the normal edges of a capture).
    public var damage: [StreamProblem]
    public var audit: AuditResult

    /// Decodes and audits the capture at `path`; `relay` pairs the legs of relayed messages.
    public init(path: String, relay: RelayMap?) throws(CaptureError) {
        let capture = try CaptureDecoder().decode(path: path)
        let timeline = Timeline(capture, relay: relay)
        packets = capture.packets
        frames = capture.frames.count
        messages = timeline.messages.count
        damage = capture.problems.filter(\.isDamage)
        audit = SafetyAudit.audit(timeline, start: capture.startTime)
    }

    /// A few lines for a report: counts, damage, the audit's verdict and violations.
    public var text: String {
        var s = "capture: \(packets) packets, \(frames) frames, \(messages) Raft messages"
        s += damage.isEmpty ? ", decoded completely\n" : ", \(damage.count) damaged stretches:\n" + damage.prefix(10).map { "  \($0)\n" }.joined()
        return s + audit.report
    }
}
