import ArgumentParser
import Capture
import Foundation

/// `raft-chaos capture --ports P1,P2 --out FILE.pcap`: records a running cluster's peer traffic
/// without touching it, until --duration passes or Ctrl-C. Exit 2 when capture is not allowed.
struct CaptureCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "capture",
        abstract: "Capture the peer traffic (ports P+1, relay ports) of a running cluster into a pcap file.",
        discussion: """
            Listens only (a BPF filter on the ports, libpcap immediate mode); needs the capture privilege \
            (root, or CAP_NET_RAW and CAP_NET_ADMIN). The file opens in tcpdump and Wireshark; decode it \
            with `raft-chaos replay FILE --timeline`. Exit status: 0 captured, 2 capture impossible.
            """
    )

    @Option(help: ArgumentHelp("Ports to capture, comma-separated (each node's peer port P+1; relay ports too).", valueName: "P1,P2,..."))
    var ports: String

    @Option(help: "Interface to capture on.")
    var interface = "lo"

    @Option(help: "The pcap file to write.")
    var out: String

    @Option(help: ArgumentHelp("Stop after this many seconds (default: at Ctrl-C or SIGTERM).", valueName: "SECONDS"))
    var duration: Double?

    func parsedPorts() throws -> [Int] {
        let list = ports.split(separator: ",").map { $0.trimmingCharacters(in: .whitespaces) }
        var out: [Int] = []
        for p in list {
            guard let n = Int(p), (1...65535).contains(n) else { throw ValidationError("--ports: '\(p)' is not a port (1 to 65535)") }
            out.append(n)
        }
        if out.isEmpty { throw ValidationError("--ports: give at least one port") }
        return out
    }

    func validate() throws {
        _ = try parsedPorts()
        if let duration, !(duration > 0 && duration.isFinite) { throw ValidationError("--duration must be a positive number of seconds") }
    }

    func run() throws {
        let portList = try parsedPorts()
        let capture: LiveCapture
        do {
            capture = try LiveCapture(interface: interface, ports: portList, outputPath: out)
        } catch {
            FileHandle.standardError.write(Data("raft-chaos capture: \(error)\n".utf8))
            throw ExitCode(2)
        }
        FileHandle.standardError.write(Data("capturing '\(LiveCapture.filter(ports: portList))' on \(interface) into \(out)\(duration.map { " for \($0) s" } ?? "; Ctrl-C stops")\n".utf8))
        let stop = DispatchSemaphore(value: 0)
        var sources: [DispatchSourceSignal] = []
        for sig in [SIGINT, SIGTERM] {
            signal(sig, SIG_IGN)
            let s = DispatchSource.makeSignalSource(signal: sig, queue: .global())
            s.setEventHandler { stop.signal() }
            s.resume()
            sources.append(s)
        }
        if let duration {
            _ = stop.wait(timeout: .now() + duration)
        } else {
            stop.wait()
        }
        let stats = try capture.stop()
        sources.forEach { $0.cancel() }
        print("captured \(stats.packets) packets into \(out); dropped by the kernel: \(stats.droppedByKernel), by the interface: \(stats.droppedByInterface)")
    }
}
