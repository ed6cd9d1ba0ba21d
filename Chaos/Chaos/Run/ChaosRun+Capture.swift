import Capture
import Foundation

/// The run's peer traffic: captured into peers.pcap from before the first node starts (every
/// node's peer port and every relay port, so the first election is on the wire too), then
/// decoded, the relay's two legs of each message paired, and audited against Raft's safety
/// properties. The audit is part of the verdict: a violation fails the run with the frames
/// named (docs/CAPTURE.md). Without the capture privilege the run goes on without it and says so.
extension ChaosRun {
    /// Opens the capture. When this returns the kernel is already filtering packets into the
    /// capture's buffer (pcap_activate and the BPF filter are in place), so every packet after
    /// it is kept even before the capture thread first reads.
    func startCapture(ports: [Int]) {
        do {
            capture = try LiveCapture(interface: "lo", ports: ports, outputPath: layout.capture.path)
            note("capturing the peer traffic into \(layout.capture.lastPathComponent)")
        } catch {
            captureNote = "no capture of the peer traffic: \(error)"
            note(captureNote!)
        }
    }

    /// Stops the capture (once), then decodes and audits it, pairing the relay's legs from
    /// run.json. The result is kept in `peerTraffic` and `captureReport` for the verdict.
    func finishCapture() {
        guard let running = capture else { return }
        capture = nil
        do {
            let stats = try running.stop()
            let relay = try? RelayMap(path: layout.manifest.path)
            let summary = try CaptureSummary(path: layout.capture.path, relay: relay)
            var text = "captured \(stats.packets) packets (dropped by the kernel: \(stats.droppedByKernel))\n" + summary.text
            text += "(timeline: raft-chaos replay \(layout.capture.path) --relay-map \(layout.manifest.path))\n"
            captureReport = text
            text.split(separator: "\n").forEach { note(String($0)) }
            peerTraffic = Self.record(summary, file: layout.capture.lastPathComponent, droppedByKernel: stats.droppedByKernel)
        } catch {
            captureReport = "capture failed: \(error)\n"
            captureNote = "capture failed: \(error)"
            note(captureNote!)
        }
    }

    static func record(_ s: CaptureSummary, file: String, droppedByKernel: Int) -> PeerTrafficAudit {
        let violations = s.audit.violations.map { v in
            PeerTrafficAudit.Violation(
                property: v.property.rawValue, term: v.term.rawValue, detail: v.detail,
                frames: v.frames.map { .init(packet: $0.packet, seconds: $0.seconds, from: $0.from.rawValue, to: $0.to.rawValue, term: $0.term.rawValue, line: $0.line) })
        }
        return PeerTrafficAudit(file: file, packets: s.packets, droppedByKernel: droppedByKernel, frames: s.frames, messages: s.messages,
                                damaged: s.damage.count, elections: s.audit.elections, terms: s.audit.terms,
                                termsWithLeader: s.audit.leaders.count, violations: violations)
    }
}
