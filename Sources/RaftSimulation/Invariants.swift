// The safety properties of Raft (Figure 3 of the paper) and a few more, checked incrementally
// after every step of the simulation, plus liveness once the cluster heals.

import RaftCore

public struct Violation: Error, Sendable, CustomStringConvertible {
    public var rule: String
    public var detail: String
    public var description: String { "\(rule): \(detail)" }
}

struct EntryKey: Hashable {
    var index: UInt64
    var term: UInt64
}

struct EntryFingerprint: Equatable {
    var kind: EntryKind
    var data: [UInt8]
    var previousTerm: Term?
}

struct InvariantChecker {
    /// Election Safety: at most one leader per term (§5.2).
    private var leaders: [Term: NodeID] = [:]
    /// Log Matching (§5.3): an (index, term) pair names one entry, with one predecessor term, in
    /// every log that ever held it; by induction the logs agree up to it.
    private var logEntries: [EntryKey: EntryFingerprint] = [:]
    /// State Machine Safety (§5.4.3): what was applied at each index, by anyone. Entries here are
    /// committed; clients were (or could have been) told so.
    private(set) var applied: [Entry] = []   // applied[i - 1] is the entry applied at index i

    var highestApplied: LogIndex { LogIndex(UInt64(applied.count)) }

    /// Election Safety; returns true the first time this leader is seen, when Leader
    /// Completeness must be checked.
    mutating func observeLeader(node: NodeID, term: Term) throws(Violation) -> Bool {
        if let other = leaders[term] {
            guard other == node else {
                throw Violation(rule: "Election Safety", detail: "\(other) and \(node) are both leader in term \(term)")
            }
            return false
        }
        leaders[term] = node
        return true
    }

    /// Leader Completeness (§5.4): a leader's log holds every entry committed before its term.
    func checkLeaderCompleteness(node: NodeID, term: Term, core: RaftNode) throws(Violation) {
        var i = max(core.firstIndex.rawValue, 1)
        while i <= UInt64(applied.count) {
            let committed = applied[Int(i - 1)]
            guard committed.term < term else { break }
            let t = core.term(at: LogIndex(i))
            guard t == committed.term else {
                throw Violation(
                    rule: "Leader Completeness",
                    detail: "\(node), leader of term \(term), has term \(t.map(String.init(describing:)) ?? "none") at index \(i), where term \(committed.term) was committed")
            }
            i += 1
        }
    }

    /// Called with the entries of each Ready as it is taken; `previousTerm` is the term of the
    /// entry before the first one in the node's log.
    mutating func observeAppended(node: NodeID, entries: [Entry], previousTerm: Term?) throws(Violation) {
        var prev = previousTerm
        for e in entries {
            let key = EntryKey(index: e.index.rawValue, term: e.term.rawValue)
            let fp = EntryFingerprint(kind: e.kind, data: e.data, previousTerm: prev)
            if let known = logEntries[key] {
                if known.kind != fp.kind || known.data != fp.data {
                    throw Violation(rule: "Log Matching", detail: "\(node) holds a different entry at index \(e.index) term \(e.term)")
                }
                if let p = prev, let q = known.previousTerm, p != q {
                    throw Violation(
                        rule: "Log Matching",
                        detail: "\(node) has term \(p) before index \(e.index) term \(e.term), another log has \(q)")
                }
            } else {
                logEntries[key] = fp
            }
            prev = e.term
        }
    }

    /// State Machine Safety: no two nodes apply different entries at the same index.
    mutating func observeApplied(node: NodeID, entry e: Entry, expectedIndex: LogIndex) throws(Violation) {
        guard e.index == expectedIndex else {
            throw Violation(rule: "Apply Order", detail: "\(node) applied index \(e.index), expected \(expectedIndex)")
        }
        let i = Int(e.index.rawValue)
        if i <= applied.count {
            let known = applied[i - 1]
            guard known.term == e.term, known.kind == e.kind, known.data == e.data else {
                throw Violation(
                    rule: "State Machine Safety",
                    detail: "\(node) applied term \(e.term) at index \(e.index), another node applied term \(known.term)")
            }
        } else {
            applied.append(e)
        }
    }

    /// A snapshot can only cover what was applied somewhere.
    func observeSnapshotInstalled(node: NodeID, _ s: SnapshotMetadata) throws(Violation) {
        guard s.index.rawValue <= UInt64(applied.count) else {
            throw Violation(rule: "Snapshot", detail: "\(node) installed a snapshot at \(s.index) beyond anything applied")
        }
        if s.index > .zero, applied[Int(s.index.rawValue - 1)].term != s.term {
            throw Violation(rule: "State Machine Safety", detail: "\(node) installed a snapshot whose last entry differs from what was applied")
        }
    }
}
