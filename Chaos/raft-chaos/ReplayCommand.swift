import ArgumentParser
import Capture
import Foundation

/// `raft-chaos replay FILE.pcap`: decodes the peer traffic in a capture and prints its Raft
/// messages (--timeline, --json, --html) and/or checks them against Raft's safety properties
/// (--audit). Exit 0 fine, 1 a safety property violated, 3 unreadable input.
struct ReplayCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "replay",
        abstract: "Decode a peer-traffic capture: timeline, JSON, sequence diagram, safety audit.",
        discussion: """
            Damaged or foreign bytes are reported on stderr with their stream and offset, and decoding goes \
            on from the next frame boundary. With --relay-map, the two legs of each relayed message are \
            paired (see docs/CAPTURE.md). Exit status: 0 fine, 1 the audit found a violation, 3 unreadable input.
            """
    )

    @Argument(help: "A pcap file (tcpdump -w, raft-chaos capture, a chaos run's peers.pcap).")
    var file: String

    @Flag(help: "Print one line per Raft message (the default when nothing else is asked).")
    var timeline = false

    @Flag(help: "Print the timeline as JSON.")
    var json = false

    @Option(help: ArgumentHelp("Write a self-contained sequence-diagram page.", valueName: "FILE"))
    var html: String?

    @Flag(help: "Check the messages against Raft's safety properties; exit 1 naming the frames on a violation.")
    var audit = false

    @Option(help: ArgumentHelp("The relay's ports per link (JSON, or a chaos run's run.json).", valueName: "FILE"))
    var relayMap: String?

    @Option(help: ArgumentHelp("Decode only these TCP ports (default: every TCP segment in the file).", valueName: "P1,P2,..."))
    var ports: String?

    func run() throws {
        var portSet: Set<UInt16> = []
        for p in (ports ?? "").split(separator: ",") {
            guard let n = UInt16(p.trimmingCharacters(in: .whitespaces)), n > 0 else { throw ValidationError("--ports: '\(p)' is not a port") }
            portSet.insert(n)
        }
        let capture: DecodedCapture
        let relay: RelayMap?
        do {
            capture = try CaptureDecoder(ports: portSet).decode(path: file)
            relay = try relayMap.map { p throws(CaptureError) in try RelayMap(path: p) }
        } catch {
            FileHandle.standardError.write(Data("raft-chaos replay: \(error)\n".utf8))
            throw ExitCode(3)
        }
        let t = Timeline(capture, relay: relay)
        var err = "\(file): \(capture.packets) packets, \(capture.streams.count) streams, \(capture.frames.count) frames, \(t.messages.count) Raft messages"
        let damage = capture.problems.filter(\.isDamage).count
        err += capture.problems.isEmpty ? "\n" : ", \(capture.problems.count) stream notes (\(damage) damage)\n"
        for p in capture.problems { err += "  \(p)\n" }
        if capture.truncatedFileBytes > 0 { err += "  the file ends inside a packet record (\(capture.truncatedFileBytes) bytes ignored)\n" }
        FileHandle.standardError.write(Data(err.utf8))

        if timeline || (!json && html == nil && !audit) { print(TimelineText.render(t, capture: capture), terminator: "") }
        if json { print(TimelineJSON.render(t, capture: capture), terminator: "") }
        if let html {
            do {
                try TimelineHTML.render(t, capture: capture, title: file).write(toFile: html, atomically: true, encoding: .utf8)
                FileHandle.standardError.write(Data("sequence diagram: \(html)\n".utf8))
            } catch {
                FileHandle.standardError.write(Data("raft-chaos replay: cannot write \(html): \(error)\n".utf8))
                throw ExitCode(3)
            }
        }
        if audit {
            let result = SafetyAudit.audit(t, start: capture.startTime)
            print(result.report, terminator: "")
            if !result.passed { throw ExitCode(1) }
        }
    }
}
