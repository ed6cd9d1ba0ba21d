// The audit passes a correct exchange and fails doctored ones, naming the frames (pcap packet
// numbers) that prove each violation.
import Capture
import PeerWire
import RaftCore
import Testing

/// A tiny three-node cluster on loopback: node n dials the others from port 5000n+peer and
/// listens on 7380+2(n-1).
private struct Cluster {
    var capture = SyntheticCapture()
    /// The packet each sent message went out in, in order.
    var packets: [Int] = []
    private var packetCount = 0
    private var opened: Set<[String]> = []

    static func peerPort(_ n: NodeID) -> UInt16 { 7380 + 2 * (UInt16(n.rawValue)! - 1) }
    static func dialPort(_ from: NodeID, _ to: NodeID) -> UInt16 { 50000 + 10 * UInt16(from.rawValue)! + UInt16(to.rawValue)! }

    mutating func send(_ f: Frame) {
        guard case .message(let m) = f else { return }
        let src = SyntheticCapture.local(Self.dialPort(m.from, m.to)), dst = SyntheticCapture.local(Self.peerPort(m.to))
        if opened.insert([m.from.rawValue, m.to.rawValue]).inserted { packetCount += 1 }  // the SYN
        capture.send([f], from: src, to: dst)
        packetCount += 1
        packets.append(packetCount)
    }

    func audit() throws -> AuditResult {
        let d = CaptureDecoder().decode(try PcapFile(bytes: capture.writer.bytes))
        return SafetyAudit.audit(Timeline(d), start: d.startTime)
    }
}

/// An election of 1 in term 2, then two entries replicated and committed.
private func healthyRun() -> Cluster {
    var c = Cluster()
    c.send(Wire.requestVote("1", "2", term: 2))
    c.send(Wire.requestVote("1", "3", term: 2))
    c.send(Wire.vote("2", "1", term: 2))
    c.send(Wire.vote("3", "1", term: 2))
    for f: NodeID in ["2", "3"] { c.send(Wire.appendEntries("1", f, term: 2, prev: (0, 0), commit: 0, entries: [(1, 2, "a"), (2, 2, "b")])) }
    for f: NodeID in ["2", "3"] { c.send(Wire.appendEntries("1", f, term: 2, prev: (2, 2), commit: 2)) }
    return c
}

@Test func aHealthyElectionAndReplicationPassesTheAudit() throws {
    let r = try healthyRun().audit()
    #expect(r.passed, "\(r.report)")
    #expect(r.leaders == [2: "1"])
    #expect(r.messagesChecked == 8)
}

@Test func twoLeadersInOneTermFailNamingBothFrames() throws {
    var c = healthyRun()
    c.send(Wire.appendEntries("2", "3", term: 2, prev: (2, 2), commit: 2))
    let r = try c.audit()
    let v = try #require(r.violations.first { $0.property == .electionSafety })
    #expect(v.frames.map(\.packet) == [c.packets[4], c.packets.last!])
    #expect(v.detail == "term 2 has leaders 1 and 2")
}

@Test func aViolationNamesItsTermAndEachFramesLinkTermAndLine() throws {
    var c = healthyRun()
    c.send(Wire.appendEntries("2", "3", term: 2, prev: (2, 2), commit: 2))
    let v = try #require(try c.audit().violations.first)
    #expect(v.term == 2)
    #expect(v.frames.map { "\($0.from)->\($0.to) t\($0.term)" } == ["1->2 t2", "2->3 t2"])
    #expect(v.frames.allSatisfy { $0.line.contains("#\($0.packet) ") && $0.line.contains("AppendEntries") })
}

@Test func aSecondLeaderIsReportedOnceNotOncePerHeartbeat() throws {
    var c = healthyRun()
    for _ in 0..<5 { c.send(Wire.appendEntries("2", "3", term: 2, prev: (2, 2), commit: 2)) }
    c.send(Wire.appendEntries("3", "1", term: 2, prev: (2, 2), commit: 2))
    let r = try c.audit()
    #expect(r.violations.map(\.detail) == ["term 2 has leaders 1 and 2", "term 2 has leaders 1 and 3"])
}

@Test func aLeaderWhoseLogHoldsALaterTermThanItsOwnFailsOncePerTerm() throws {
    var c = healthyRun()
    // Node 2 forgot its term: it leads term 1 with the term-2 entries it got from 1.
    c.send(Wire.appendEntries("2", "3", term: 1, prev: (2, 2), commit: 0))
    c.send(Wire.appendEntries("2", "3", term: 1, prev: (2, 2), commit: 0))
    let r = try c.audit()
    #expect(r.violations.map(\.property) == [.logTermsOutOfOrder])
    #expect(r.violations.first?.detail == "node 2 leads term 1 with a log holding term 2 at index 2")
    #expect(r.violations.first?.frames.map(\.packet) == [c.packets[c.packets.count - 2]])
}

@Test func anEntryOfAnEarlierTermAfterALaterOneFails() throws {
    var c = healthyRun()
    c.send(Wire.appendEntries("1", "2", term: 2, prev: (2, 2), commit: 2, entries: [(3, 1, "x")]))
    let r = try c.audit()
    #expect(r.violations.map(\.detail) == ["node 1 sent entry 3/1 after an entry of term 2"])
}

@Test func theAuditCountsElectionsAndTerms() throws {
    var c = healthyRun()
    c.send(Wire.requestVote("2", "1", term: 3))
    c.send(Wire.requestVote("2", "3", term: 3))  // the same campaign
    c.send(Wire.requestVote("3", "1", term: 3))  // a rival in the same term
    c.send(Wire.vote("1", "2", term: 3))
    let r = try c.audit()
    #expect(r.passed, "\(r.report)")
    #expect(r.elections == 3)  // 1 in term 2; 2 and 3 in term 3
    #expect(r.terms == 2)
}

@Test func aVoteGrantedTwiceInOneTermFailsNamingBothFrames() throws {
    var c = healthyRun()
    c.send(Wire.vote("2", "3", term: 2))
    let r = try c.audit()
    let v = try #require(r.violations.first { $0.property == .doubleVote })
    #expect(v.frames.map(\.packet) == [c.packets[2], c.packets.last!])
    #expect(r.violations.count == 1)
}

@Test func aTermGoingBackwardsFailsNamingBothFrames() throws {
    var c = healthyRun()
    c.send(Wire.requestVote("3", "1", term: 1))
    c.send(Wire.requestVote("3", "1", term: 1))
    let r = try c.audit()
    let v = try #require(r.violations.first { $0.property == .termWentBackwards })
    #expect(v.frames.map(\.packet) == [c.packets[3], c.packets[c.packets.count - 2]])
    #expect(v.detail == "node 3 sent term 1 to 1 after term 2")
    #expect(r.violations.count == 1)
}

@Test func aStaleMessageToAnotherPeerIsNotATermGoingBackwards() throws {
    var c = healthyRun()
    // Node 1 is in term 2 on its links to 2 and 3; a term-1 message to a fourth node that was
    // unreachable (queued before the election) may reach the wire only now.
    c.send(Wire.appendEntries("1", "4", term: 1, prev: (0, 0), commit: 0))
    #expect(try c.audit().passed)
}

@Test func twoDifferentEntriesWithTheSameIndexAndTermBreakLogMatching() throws {
    var c = healthyRun()
    c.send(Wire.appendEntries("1", "3", term: 2, prev: (1, 2), commit: 2, entries: [(2, 2, "not b")]))
    let r = try c.audit()
    let v = try #require(r.violations.first { $0.property == .logMatching })
    #expect(v.frames.map(\.packet) == [c.packets[4], c.packets.last!])
}

@Test func anEntryWithADifferentPredecessorBreaksLogMatching() throws {
    var c = healthyRun()
    // Entry 2/2 claimed to follow an entry of term 1: another prefix under the same entry.
    c.send(Wire.appendEntries("1", "3", term: 2, prev: (1, 1), commit: 0, entries: [(2, 2, "b")]))
    let r = try c.audit()
    #expect(r.violations.contains { $0.property == .logMatching })
}

@Test func overwritingACommittedEntryFails() throws {
    var c = healthyRun()
    // A new leader in term 3 replaces committed entry 2 with one of its own.
    c.send(Wire.requestVote("3", "2", term: 3))
    c.send(Wire.vote("2", "3", term: 3))
    c.send(Wire.appendEntries("3", "2", term: 3, prev: (1, 2), commit: 1, entries: [(2, 3, "c")]))
    let r = try c.audit()
    let v = try #require(r.violations.first { $0.property == .committedEntryContradicted })
    #expect(v.frames.last?.packet == c.packets.last!)
    #expect(!r.violations.contains { $0.property == .electionSafety })
}

@Test func aDeposedLeaderOfAnEarlierTermSendingItsOldLogIsFine() throws {
    // Seen live: leader 3 of term 2 was paused; 1 led term 3 and committed index 2 with term 3;
    // resumed, 3 flushed its queued term-2 AppendEntries, whose index 2 holds its own term-2 entry.
    var c = Cluster()
    c.send(Wire.appendEntries("3", "2", term: 2, prev: (0, 0), commit: 0, entries: [(1, 2, "a")]))
    c.send(Wire.appendEntries("1", "2", term: 3, prev: (1, 2), commit: 2, entries: [(2, 3, "won")]))
    c.send(Wire.appendEntries("3", "1", term: 2, prev: (1, 2), commit: 1, entries: [(2, 2, "stale")]))
    c.send(Wire.appendEntries("3", "1", term: 2, prev: (2, 2), commit: 1))
    let r = try c.audit()
    #expect(r.passed, "\(r.report)")
}

@Test func aLaterLeaderRewritingUncommittedEntriesIsFine() throws {
    var c = Cluster()
    c.send(Wire.appendEntries("1", "2", term: 2, prev: (0, 0), commit: 0, entries: [(1, 2, "a"), (2, 2, "lost")]))
    c.send(Wire.appendEntries("3", "2", term: 3, prev: (1, 2), commit: 0, entries: [(2, 3, "won")]))
    c.send(Wire.appendEntries("3", "2", term: 3, prev: (2, 3), commit: 2))
    let r = try c.audit()
    #expect(r.passed, "\(r.report)")
}
