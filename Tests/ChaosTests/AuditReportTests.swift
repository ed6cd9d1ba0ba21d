import Foundation
import Testing
@testable import Chaos

/// report.html shows the peer-traffic audit from verdict.json: a violation gets an anchor the
/// verdict banner links to and a row per frame (packet, time, link, term, message); a clean
/// audit says how much it looked at; a run without a capture says why there is no audit.
@Suite struct AuditReportTests {
    static let doubleVote = PeerTrafficAudit.Violation(
        property: "a vote granted twice in one term", term: 3, detail: "node n2 granted its term-3 vote to n1 and to n3",
        frames: [
            .init(packet: 80, seconds: "3.021212", from: "n2", to: "n1", term: 3, line: "   3.021212  #80      n2 -> n1  RequestVoteResponse     term 3 granted true"),
            .init(packet: 170, seconds: "5.104418", from: "n2", to: "n3", term: 3, line: "   5.104418  #170     n2 -> n3  RequestVoteResponse     term 3 granted true"),
        ])

    static func audit(_ violations: [PeerTrafficAudit.Violation]) -> PeerTrafficAudit {
        PeerTrafficAudit(file: "peers.pcap", packets: 900, droppedByKernel: 0, frames: 640, messages: 610, damaged: 0,
                         elections: 4, terms: 4, termsWithLeader: 3, violations: violations)
    }

    func page(_ verdict: RunVerdict) throws -> String {
        let layout = try RunReportTests.makeRun(verdict: verdict)
        defer { try? FileManager.default.removeItem(at: layout.root) }
        return try RunReport.render(layout: layout)
    }

    @Test func aViolationHasAnAnchorAndNamesItsFramesByPacketTimeLinkAndTerm() throws {
        let html = try page(RunVerdict(outcome: .violation, summary: "VIOLATION: the peer-traffic audit FAILED", peerTraffic: Self.audit([Self.doubleVote])))
        #expect(html.contains(##"<a href="#audit-1">1</a>"##), "the banner links to the violation")
        #expect(html.contains(#"id="audit""#) && html.contains(#"id="audit-1""#))
        #expect(html.contains("a vote granted twice in one term (term 3)"))
        #expect(html.contains("<td>#80</td><td>3.021212 s</td><td>n2 → n1</td><td>3</td>"))
        #expect(html.contains("<td>#170</td><td>5.104418 s</td><td>n2 → n3</td><td>3</td>"))
        #expect(html.contains("frame.number == N"))
    }

    @Test func aCleanAuditSaysHowMuchItLookedAt() throws {
        let html = try page(RunVerdict(outcome: .passed, summary: "PASSED", peerTraffic: Self.audit([])))
        #expect(html.contains("passed: 640 frames audited (610 Raft messages), 4 elections, 4 terms"))
        #expect(!html.contains(#"id="audit-1""#))
    }

    @Test func aRunWithoutACaptureSaysWhyThereIsNoAudit() throws {
        let html = try page(RunVerdict(outcome: .passed, summary: "PASSED", peerTrafficNote: "no capture of the peer traffic: no permission to capture on lo"))
        #expect(html.contains("No audit: no capture of the peer traffic: no permission to capture on lo"))
    }

    @Test func theAuditSurvivesAVerdictJSONRoundTrip() throws {
        let v = RunVerdict(outcome: .violation, summary: "VIOLATION", peerTraffic: Self.audit([Self.doubleVote]))
        let back = try JSONDecoder().decode(RunVerdict.self, from: try JSONEncoder().encode(v))
        #expect(back == v)
        #expect(back.peerTraffic?.passed == false)
        // A verdict.json written before the audit was part of it still reads.
        let old = try JSONDecoder().decode(RunVerdict.self, from: Data(#"{"outcome":"passed","summary":"PASSED","lostWrites":[],"ok":1,"fail":0,"info":0}"#.utf8))
        #expect(old.peerTraffic == nil)
    }
}
