// The captures of real clusters in Fixtures/captures/ (scripts/capture-fixtures.sh makes them)
// decode completely, and their timeline and audit are exactly the committed expected text: a
// change to the wire format or to what the node sends shows up here.
import Capture
import Foundation
import PeerWire
import RaftCore
import Testing

enum Fixtures {
    /// Fixtures/captures, found by walking up from this file.
    static let directory: URL = {
        var dir = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
        while dir.path != "/" {
            let candidate = dir.appendingPathComponent("Fixtures/captures")
            if FileManager.default.fileExists(atPath: candidate.path) { return candidate }
            dir = dir.deletingLastPathComponent()
        }
        return URL(fileURLWithPath: "Fixtures/captures")
    }()

    /// Captures of the correct node: they pass the audit.
    static let names = ["quiet", "election", "pause", "join"]
    /// Captures of a node broken on purpose (`--unsafe-fault`): they fail it.
    static let broken = ["forgotten-term"]
    static let all = names + broken

    static func path(_ name: String, _ ext: String) -> String { directory.appendingPathComponent("\(name).\(ext)").path }

    static func text(_ name: String, _ ext: String) throws -> String {
        try String(contentsOfFile: path(name, ext), encoding: .utf8)
    }
}

@Test(arguments: Fixtures.all)
func aFixtureDecodesCompletely(name: String) throws {
    let d = try CaptureDecoder().decode(path: Fixtures.path(name, "pcap"))
    #expect(d.problems.filter(\.isDamage).isEmpty, "\(d.problems)")
    #expect(d.truncatedFileBytes == 0)
    #expect(d.messageCount > 20)
    // Every stream that carried frames began with a handshake naming its node.
    for s in d.streams where s.frames > 0 && !s.midStream && s.source.port > s.destination.port {
        #expect(s.sender != nil, "stream \(s.id) \(s.source) -> \(s.destination) has no handshake")
    }
}

@Test(arguments: Fixtures.all)
func aFixturesTimelineIsItsCommittedText(name: String) throws {
    let d = try CaptureDecoder().decode(path: Fixtures.path(name, "pcap"))
    let actual = TimelineText.render(Timeline(d), capture: d)
    let expected = try Fixtures.text(name, "timeline.txt")
    #expect(actual == expected)
}

@Test(arguments: Fixtures.names)
func aFixturePassesTheAudit(name: String) throws {
    let d = try CaptureDecoder().decode(path: Fixtures.path(name, "pcap"))
    let result = SafetyAudit.audit(Timeline(d), start: d.startTime)
    #expect(result.passed, "\(result.report)")
    #expect(result.report == (try Fixtures.text(name, "audit.txt")))
}

/// Every node forgot its term on a restart of the whole cluster after a term change: the audit
/// fails, naming the frames where a node went back to term 1 on a link where it had sent term 2,
/// and the term-1 leader whose log holds term 2.
@Test func aBrokenNodesFixtureFailsTheAuditWithItsFramesNamed() throws {
    let d = try CaptureDecoder().decode(path: Fixtures.path("forgotten-term", "pcap"))
    let result = SafetyAudit.audit(Timeline(d), start: d.startTime)
    #expect(!result.passed)
    #expect(result.report == (try Fixtures.text("forgotten-term", "audit.txt")))
    let backwards = result.violations.filter { $0.property == .termWentBackwards }
    #expect(!backwards.isEmpty)
    for v in backwards {
        #expect(v.term == 1)
        #expect(v.frames.count == 2)
        #expect(v.frames.map(\.term) == [2, 1], "first the term-2 message, then the term-1 one on the same link")
        #expect(v.frames[0].from == v.frames[1].from && v.frames[0].to == v.frames[1].to)
    }
    #expect(result.violations.contains { $0.property == .logTermsOutOfOrder && $0.term == 1 })
}

@Test func theElectionFixtureShowsANewLeaderInAHigherTerm() throws {
    let d = try CaptureDecoder().decode(path: Fixtures.path("election", "pcap"))
    let r = SafetyAudit.audit(Timeline(d), start: d.startTime)
    #expect(r.leaders.count == 2)
    let terms = r.leaders.keys.sorted()
    #expect(r.leaders[terms[0]] != r.leaders[terms[1]])
}

@Test func theJoinFixtureCarriesASnapshotAndAMembershipChange() throws {
    let d = try CaptureDecoder().decode(path: Fixtures.path("join", "pcap"))
    let messages = d.frames.compactMap(\.message)
    #expect(messages.contains { if case .installSnapshot = $0.body { return true } else { return false } })
    #expect(d.frames.contains { if case .snapshotChunk(let c) = $0.frame { return c.last } else { return false } })
    let confEntries = messages.flatMap { m -> [Entry] in
        if case .appendEntries(let b) = m.body { return b.entries.filter { $0.kind == .configuration } } else { return [] }
    }
    #expect(!confEntries.isEmpty)
}

/// A real capture with one forged frame added: node 2 granting its vote a second time, to
/// another candidate, in the last term it voted in.
@Test func aRealCaptureWithAForgedSecondVoteFailsNamingTheForgedFrame() throws {
    let file = try PcapFile(contentsOf: Fixtures.path("election", "pcap"))
    let d = CaptureDecoder().decode(file)
    let grant = try #require(d.frames.last { f in
        if case .requestVoteResponse(let b)? = f.message?.body { return b.granted && !b.preVote } else { return false }
    })
    let m = grant.message!
    let other: NodeID = ["1", "2", "3"].first { $0 != m.from && $0 != m.to }!
    var forged = SyntheticCapture(start: d.frames.last!.time + 1_000_000)
    forged.send([.message(Message(from: m.from, to: other, term: m.term, body: .requestVoteResponse(RequestVoteResponse(granted: true, preVote: false))))],
                from: SyntheticCapture.local(60000), to: SyntheticCapture.local(60001))
    // The original packets, then the forged connection's SYN and segment.
    let combined = file.bytes + forged.writer.bytes.dropFirst(24)
    let doctored = CaptureDecoder().decode(try PcapFile(bytes: combined))
    let r = SafetyAudit.audit(Timeline(doctored), start: doctored.startTime)
    let v = try #require(r.violations.first)
    #expect(r.violations.count == 1)
    #expect(v.property == .doubleVote)
    #expect(v.frames.map(\.packet) == [grant.packet, doctored.packets])
}
