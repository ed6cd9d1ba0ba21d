import ArgumentParser
import Capture
import Foundation

/// `capture-bench --frames N` (swift run -c release capture-bench): synthesizes a capture of a busy three-node cluster's
/// peer traffic, writes it, and times decoding it (read, reassemble, decode every frame), then
/// the timeline and the audit. Build with -c release for figures worth quoting.
@main
struct CaptureBench: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "capture-bench",
        abstract: "Measure capture decoding speed (frames per second) on a synthetic capture."
    )

    @Option(help: "Frames in the synthetic capture.")
    var frames = 1_000_000

    @Option(help: "Frames per TCP segment.")
    var perSegment = 4

    @Option(help: "Where to write the capture (kept afterwards; default: a temporary file, removed).")
    var out: String?

    func validate() throws {
        if frames < 8 || perSegment < 1 { throw ValidationError("--frames must be at least 8 and --per-segment at least 1") }
    }

    func run() throws {
        let path = out ?? NSTemporaryDirectory() + "raft-chaos-capture-bench-\(getpid()).pcap"
        let synthetic = SyntheticCapture.busyCluster(frames: frames, perSegment: perSegment)
        try synthetic.writer.write(to: path)
        defer { if out == nil { try? FileManager.default.removeItem(atPath: path) } }
        let size = synthetic.writer.bytes.count

        let clock = ContinuousClock()
        var decoded: DecodedCapture!
        let decodeTime = try clock.measure { decoded = try CaptureDecoder().decode(path: path) }
        var timeline: Timeline!
        let timelineTime = clock.measure { timeline = Timeline(decoded) }
        var audit: AuditResult!
        let auditTime = clock.measure { audit = SafetyAudit.audit(timeline, start: decoded.startTime) }

        func seconds(_ d: Duration) -> Double { Double(d.components.seconds) + Double(d.components.attoseconds) / 1e18 }
        let n = Double(decoded.frames.count)
        print("capture: \(path), \(size / 1_000_000) MB, \(decoded.packets) packets, \(decoded.frames.count) frames, \(decoded.problems.count) problems")
        print(String(format: "decode (read + reassemble + PeerWire): %.2f s, %.0f frames/s, %.0f MB/s", seconds(decodeTime), n / seconds(decodeTime), Double(size) / 1e6 / seconds(decodeTime)))
        print(String(format: "timeline: %.2f s; audit: %.2f s", seconds(timelineTime), seconds(auditTime)) + " (\(audit.passed ? "pass" : "FAIL"))")
        print(String(format: "all three: %.0f frames/s", n / seconds(decodeTime + timelineTime + auditTime)))
    }
}
