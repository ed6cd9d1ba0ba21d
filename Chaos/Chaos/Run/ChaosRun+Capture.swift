import Capture
import Foundation

/// The run's peer traffic: captured into peers.pcap from the moment the cluster is up (every
/// node's peer port and every relay port), then decoded, the relay's two legs of each message
/// paired, and audited against Raft's safety properties. The result goes into verdict.txt and
/// the harness log; it does not change the verdict (docs/CAPTURE.md). Without the capture
/// privilege the run goes on without it and says so.
extension ChaosRun {
    func startCapture(ports: [Int]) {
        do {
            capture = try LiveCapture(interface: "lo", ports: ports, outputPath: layout.capture.path)
            note("capturing the peer traffic into \(layout.capture.lastPathComponent)")
        } catch {
            note("no capture of the peer traffic: \(error)")
        }
    }

    /// Stops the capture, then decodes and audits it, pairing the relay's legs from run.json.
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
        } catch {
            captureReport = "capture failed: \(error)\n"
            note("capture failed: \(error)")
        }
    }
}
