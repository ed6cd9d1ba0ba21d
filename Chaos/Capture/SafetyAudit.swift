// Checks what the captured messages claim against Raft's safety properties (§5.2-5.4 of the
// paper). It trusts the messages, not the nodes: each property is checked only from what was
// on the wire, so it never reports what it cannot prove, and a violation names the frames that
// prove it.
//
// - Election Safety: at most one leader per term. A leader is a node that sent AppendEntries,
//   InstallSnapshot or TimeoutNow in that term (only a leader sends them).
// - One vote per voter per term: granted RequestVoteResponses (not PreVote) from one voter in one
//   term all go to the same candidate.
// - Terms never go backwards: the terms a node puts on its messages to one peer never decrease,
//   in the order they reached the wire (PreVote messages excepted: a request carries the term the
//   node would campaign in). Per link, not per node: a node's queue to each peer is FIFO, but a
//   message queued for an unreachable peer may reach the wire after newer-term messages to
//   others (seen in Fixtures/captures/pause.pcap), which is not a violation.
// - Log Matching: two entries with the same index and term hold the same data, and have the same
//   predecessor term (so, by induction, the same prefix).
// - A log's terms never decrease and never exceed its owner's term: what a leader sends in
//   term T (prevLogTerm, entries, a snapshot's last term) shows its log, whose terms are at most
//   T and non-decreasing with the index (entries come from this or earlier leaders).
// - Leader Completeness, as far as the wire shows: once a leader's leaderCommit covers an entry
//   it sent (or its prevLogIndex), no later message puts another entry at that index.
import PeerWire
import RaftCore

/// One frame a violation names: where it is in the capture (packet number as tcpdump and
/// Wireshark count, seconds from the first packet), the link it crossed and its term, and its
/// timeline line so a report can show it without decoding the capture again.
public struct AuditFrame: Sendable {
    public var packet: Int
    public var seconds: String
    public var from: NodeID
    public var to: NodeID
    public var term: Term
    public var line: String
}

public struct SafetyViolation: Sendable, CustomStringConvertible {
    public enum Property: String, Sendable {
        case electionSafety = "two leaders in one term"
        case doubleVote = "a vote granted twice in one term"
        case termWentBackwards = "a term went backwards"
        case logMatching = "log matching broken"
        case committedEntryContradicted = "a committed entry contradicted"
        case logTermsOutOfOrder = "a log's terms out of order"
    }
    public var property: Property
    public var detail: String
    /// The term the violation is about (the later, lower one for a term that went backwards).
    public var term: Term
    /// The frames that show it, first seen first.
    public var frames: [AuditFrame]

    public var description: String {
        "\(property.rawValue): \(detail) [" + frames.map { "packet #\($0.packet) at \($0.seconds)s" }.joined(separator: ", ") + "]"
    }
}

public struct AuditResult: Sendable {
    public var messagesChecked: Int
    public var leaders: [Term: NodeID]
    /// Campaigns: a candidate asking for votes (RequestVote, not PreVote) in a term, counted once
    /// per candidate and term.
    public var elections: Int
    /// Distinct terms on the messages (PreVote requests and answers excepted).
    public var terms: Int
    public var violations: [SafetyViolation]
    public var passed: Bool { violations.isEmpty }

    public var report: String {
        var s = "audit: \(messagesChecked) messages, \(leaders.count) terms with a leader"
        if let last = leaders.keys.max() { s += " (last: term \(last), leader \(leaders[last]!))" }
        s += "\n"
        if violations.isEmpty { return s + "audit: PASS: no safety property violated\n" }
        for v in violations { s += "VIOLATION \(v)\n" }
        return s + "audit: FAIL: \(violations.count) violation(s)\n"
    }
}

public enum SafetyAudit {
    /// The first violations of each kind are enough to act on; a broken run would otherwise
    /// print one per heartbeat.
    public static let maxViolationsPerProperty = 20

    public static func audit(_ timeline: Timeline, start: Int64) -> AuditResult {
        // Where a message was seen: its place in the timeline, formatted only for a violation
        // (a million messages would otherwise spend most of the audit formatting times nobody reads).
        typealias Seen = Int

        var leaders: [Term: (NodeID, Seen)] = [:]
        var votes: [VoteKey: (NodeID, Seen)] = [:]
        var lastTerm: [LinkKey: (Term, Seen)] = [:]
        var entries: [EntryKey: (data: [UInt8], kind: EntryKind, seen: Seen)] = [:]
        var predecessors: [EntryKey: (Term, Seen)] = [:]
        var committed: [LogIndex: (term: Term, seen: Seen)] = [:]
        var violations: [SafetyViolation] = []
        var counts: [SafetyViolation.Property: Int] = [:]

        var reportedLeaders = Set<VoteKey>()  // (second leader, term) already reported
        var reportedVotes = Set<VoteKey>()    // (voter, term, second candidate) already reported
        var reportedLogs = Set<VoteKey>()     // (sender, term) whose log was out of order
        var campaigns = Set<VoteKey>()  // (candidate, term)
        var termsSeen = Set<Term>()

        func violate(_ p: SafetyViolation.Property, _ detail: String, term: Term, _ frames: [Seen]) {
            counts[p, default: 0] += 1
            if counts[p]! <= maxViolationsPerProperty {
                let named = frames.map { i -> AuditFrame in
                    let t = timeline.messages[i]
                    return AuditFrame(packet: t.frame.packet, seconds: TimelineText.seconds(t.frame.time - start), from: t.message.from,
                                      to: t.message.to, term: t.message.term, line: TimelineText.line(t, start: start))
                }
                violations.append(SafetyViolation(property: p, detail: detail, term: term, frames: named))
            }
        }

        func noteCommitted(_ index: LogIndex, _ term: Term, _ seen: Seen) {
            guard index > .zero else { return }
            if let c = committed[index] {
                if c.term != term {
                    violate(.committedEntryContradicted, "index \(index) was committed with term \(c.term), later claimed committed with term \(term)", term: term, [c.seen, seen])
                }
            } else {
                committed[index] = (term, seen)
            }
        }

        // Leader Completeness binds the leaders of the committing term and later ones only: a
        // deposed leader of an earlier term (paused, cut off) may still send its old log, whose
        // uncommitted tail can differ at an index committed since.
        func checkAgainstCommitted(_ index: LogIndex, _ term: Term, _ seen: Seen, leaderTerm: Term, what: String) {
            if let c = committed[index], c.term != term, leaderTerm >= timeline.messages[c.seen].message.term {
                violate(.committedEntryContradicted, "index \(index) was committed with term \(c.term), then \(what) term \(term) at that index", term: term, [c.seen, seen])
            }
        }

        for (seen, t) in timeline.messages.enumerated() {
            let m = t.message

            // Terms never go backwards for a sender.
            var isPreVoteRequest = false
            if case .requestVote(let b) = m.body, b.preVote { isPreVoteRequest = true }
            if case .requestVoteResponse(let b) = m.body, b.preVote { isPreVoteRequest = true }
            if !isPreVoteRequest {
                termsSeen.insert(m.term)
                if case .requestVote = m.body { campaigns.insert(VoteKey(voter: m.from, term: m.term)) }
                let link = LinkKey(from: m.from, to: m.to)
                if let (previous, where_) = lastTerm[link], m.term < previous {
                    violate(.termWentBackwards, "node \(m.from) sent term \(m.term) to \(m.to) after term \(previous)", term: m.term, [where_, seen])
                }
                // After a violation the lower term is the reference, so one drop is reported once.
                if lastTerm[link]?.0 != m.term { lastTerm[link] = (m.term, seen) }
            }

            switch m.body {
            case .appendEntries, .installSnapshot, .timeoutNow:
                if let (leader, first) = leaders[m.term] {
                    // Each second leader once: its first message proves it, its heartbeats add nothing.
                    if leader != m.from, reportedLeaders.insert(VoteKey(voter: m.from, term: m.term)).inserted {
                        violate(.electionSafety, "term \(m.term) has leaders \(leader) and \(m.from)", term: m.term, [first, seen])
                    }
                } else {
                    leaders[m.term] = (m.from, seen)
                }
            case .requestVoteResponse(let b) where b.granted && !b.preVote:
                let key = VoteKey(voter: m.from, term: m.term)
                if let (candidate, first) = votes[key] {
                    if candidate != m.to, reportedVotes.insert(VoteKey(voter: m.from, term: m.term, candidate: m.to)).inserted {
                        violate(.doubleVote, "node \(m.from) granted its term-\(m.term) vote to \(candidate) and to \(m.to)", term: m.term, [first, seen])
                    }
                } else {
                    votes[key] = (m.to, seen)
                }
            default:
                break
            }

            // The sender's log as this message shows it: terms in order, none above its own.
            var disorder: String?
            switch m.body {
            case .appendEntries(let b):
                if b.prevLogTerm > m.term {
                    disorder = "node \(m.from) leads term \(m.term) with a log holding term \(b.prevLogTerm) at index \(b.prevLogIndex)"
                }
                var logTerm = b.prevLogTerm
                for e in b.entries where disorder == nil {
                    if e.term < logTerm { disorder = "node \(m.from) sent entry \(e.index)/\(e.term) after an entry of term \(logTerm)" }
                    if e.term > m.term { disorder = "node \(m.from) sent entry \(e.index)/\(e.term) in term \(m.term)" }
                    logTerm = e.term
                }
            case .installSnapshot(let meta) where meta.term > m.term:
                disorder = "node \(m.from) sent a snapshot up to \(meta.index)/\(meta.term) in term \(m.term)"
            default:
                break
            }
            // Once per sender and term: its heartbeats would repeat it.
            if let disorder, reportedLogs.insert(VoteKey(voter: m.from, term: m.term)).inserted {
                violate(.logTermsOutOfOrder, disorder, term: m.term, [seen])
            }

            switch m.body {
            case .appendEntries(let b):
                var previousTerm = b.prevLogTerm
                checkAgainstCommitted(b.prevLogIndex, b.prevLogTerm, seen, leaderTerm: m.term, what: "a leader claimed prevLogTerm")
                for e in b.entries {
                    let key = EntryKey(index: e.index, term: e.term)
                    if let known = entries[key] {
                        if known.data != e.data || known.kind != e.kind {
                            violate(.logMatching, "two different entries at index \(e.index) term \(e.term)", term: e.term, [known.seen, seen])
                        }
                    } else {
                        entries[key] = (e.data, e.kind, seen)
                    }
                    if e.index.rawValue > 1 {
                        if let (pt, first) = predecessors[key] {
                            if pt != previousTerm {
                                violate(.logMatching, "entry \(e.index)/\(e.term) follows term \(pt) in one log and term \(previousTerm) in another", term: e.term, [first, seen])
                            }
                        } else {
                            predecessors[key] = (previousTerm, seen)
                        }
                    }
                    checkAgainstCommitted(e.index, e.term, seen, leaderTerm: m.term, what: "an AppendEntries carried")
                    previousTerm = e.term
                }
                // What this leader says is committed: every entry of its log up to leaderCommit.
                if b.prevLogIndex <= b.leaderCommit { noteCommitted(b.prevLogIndex, b.prevLogTerm, seen) }
                for e in b.entries where e.index <= b.leaderCommit { noteCommitted(e.index, e.term, seen) }
            case .installSnapshot(let meta):
                // A snapshot holds only committed entries: its last one is committed.
                checkAgainstCommitted(meta.index, meta.term, seen, leaderTerm: m.term, what: "a snapshot claimed")
                noteCommitted(meta.index, meta.term, seen)
            default:
                break
            }
        }
        return AuditResult(messagesChecked: timeline.messages.count, leaders: leaders.mapValues(\.0), elections: campaigns.count,
                           terms: termsSeen.count, violations: violations)
    }

    struct LinkKey: Hashable {
        var from: NodeID
        var to: NodeID
    }

    struct VoteKey: Hashable {
        var voter: NodeID
        var term: Term
        var candidate: NodeID? = nil
    }

    struct EntryKey: Hashable {
        var index: LogIndex
        var term: Term
    }
}
