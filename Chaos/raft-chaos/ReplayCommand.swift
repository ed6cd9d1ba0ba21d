import ArgumentParser
import Capture
import Foundation

/// `raft-chaos replay FILE.pcap`: decodes the peer traffic in a capture and prints its Raft
/// messages (--timeline, --json, --html) and/or checks them against Raft's safety properties
/// (--audit), or replays one node's input into a fresh node (--inject). Exit 0 fine, 1 a safety
/// property violated or the replayed answers differ, 3 unreadable input or a node that would not run.
struct ReplayCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "replay",
        abstract: "Decode a peer-traffic capture: timeline, JSON, sequence diagram, safety audit.",
        discussion: """
            Damaged or foreign bytes are reported on stderr with their stream and offset, and decoding goes \
            on from the next frame boundary. With --relay-map, the two legs of each relayed message are \
            paired (see docs/CAPTURE.md). Exit status: 0 fine, 1 the audit found a violation or the replayed \
            answers differ, 3 unreadable input or a node that could not be run.
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

    @Option(help: ArgumentHelp("Feed a fresh node the frames this node received and compare its answers with the original's.", valueName: "NODE_ID"))
    var inject: String?

    @Option(help: ArgumentHelp("The node binary for --inject (default: the raft-node beside this raft-chaos).", valueName: "PATH"))
    var nodeBinary: String?

    @Option(help: ArgumentHelp("With --inject and --new: compare this build's answers with --new's.", valueName: "BIN"))
    var old: String?

    @Option(help: ArgumentHelp("With --inject and --old: the build to compare.", valueName: "BIN"))
    var new: String?

    func validate() throws {
        if (old == nil) != (new == nil) { throw ValidationError("--old and --new go together") }
        if (old != nil || nodeBinary != nil) && inject == nil { throw ValidationError("--old/--new and --node-binary need --inject NODE_ID") }
        if old != nil && nodeBinary != nil { throw ValidationError("give either --node-binary or --old/--new") }
    }

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

        if timeline || (!json && html == nil && !audit && inject == nil) { print(TimelineText.render(t, capture: capture), terminator: "") }
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
        var failed = false
        if audit {
            let result = SafetyAudit.audit(t, start: capture.startTime)
            print(result.report, terminator: "")
            failed = !result.passed
        }
        if let inject {
            failed = try runInjection(capture: capture, node: inject) || failed
        }
        if failed { throw ExitCode(1) }
    }
}
