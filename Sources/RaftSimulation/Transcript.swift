// The last steps of a run, kept cheaply (records, not strings) and formatted only when a run
// fails, so that a failing seed reads like a transcript of the cluster.

import RaftCore

enum TraceRecord {
    case deliver(time: UInt64, Message)
    case drop(time: UInt64, Message, reason: String)
    case persisted(time: UInt64, node: NodeID, entries: Int, hardState: HardState?, applied: LogIndex, afterPersist: Int)
    case role(time: UInt64, node: NodeID, SoftState)
    case action(time: UInt64, String)
}

struct Transcript {
    let capacity: Int
    private var ring: [TraceRecord] = []
    private var next = 0

    init(capacity: Int) { self.capacity = capacity }

    mutating func record(_ r: TraceRecord) {
        if ring.count < capacity {
            ring.append(r)
        } else {
            ring[next] = r
            next = (next + 1) % capacity
        }
    }

    var lines: [String] {
        let ordered = ring.count < capacity ? ring : Array(ring[next...] + ring[..<next])
        return ordered.map(Self.format)
    }

    static func format(_ r: TraceRecord) -> String {
        func t(_ time: UInt64) -> String { "t=\(time / Cluster.unitsPerTick).\(time % Cluster.unitsPerTick)" }
        switch r {
        case .deliver(let time, let m): return "\(t(time)) \(describe(m))"
        case .drop(let time, let m, let reason): return "\(t(time)) DROPPED (\(reason)) \(describe(m))"
        case .persisted(let time, let node, let n, let hs, let applied, let after):
            let h = hs.map { " hardState(term \($0.term), vote \($0.votedFor?.rawValue ?? "-"), commit \($0.commit))" } ?? ""
            return "\(t(time)) \(node) persisted \(n) entries\(h), applied to \(applied), sent \(after) acks"
        case .role(let time, let node, let s):
            return "\(t(time)) \(node) is now \(s.role) in term \(s.term), leader \(s.leader?.rawValue ?? "unknown")"
        case .action(let time, let s): return "\(t(time)) \(s)"
        }
    }

    static func describe(_ m: Message) -> String {
        let head = "\(m.from)->\(m.to) term \(m.term)"
        switch m.body {
        case .requestVote(let rv):
            return "\(head) \(rv.preVote ? "PreVote" : "RequestVote")(last \(rv.lastLogIndex)/\(rv.lastLogTerm)\(rv.leadershipTransfer ? ", transfer" : ""))"
        case .requestVoteResponse(let r):
            return "\(head) \(r.preVote ? "PreVote" : "Vote")Response(\(r.granted ? "granted" : "rejected"))"
        case .appendEntries(let ae):
            let es = ae.entries.isEmpty ? "" : ", entries \(ae.entries.first!.index)...\(ae.entries.last!.index) terms \(Set(ae.entries.map(\.term.rawValue)).sorted())"
            return "\(head) AppendEntries(prev \(ae.prevLogIndex)/\(ae.prevLogTerm)\(es), commit \(ae.leaderCommit)\(ae.readContext > 0 ? ", ctx \(ae.readContext)" : ""))"
        case .appendEntriesResponse(let r):
            return "\(head) AppendResponse(\(r.success ? "ok" : "reject") \(r.index)\(r.success ? "" : ", hint \(r.conflictIndex)/\(r.conflictTerm)"))"
        case .installSnapshot(let s): return "\(head) InstallSnapshot(\(s.index)/\(s.term))"
        case .installSnapshotResponse(let r): return "\(head) InstallSnapshotResponse(\(r.success ? "ok" : "fail") \(r.index))"
        case .timeoutNow: return "\(head) TimeoutNow"
        case .readIndex(let id): return "\(head) ReadIndex(#\(id))"
        case .readIndexResponse(let id, let index, let ok): return "\(head) ReadIndexResponse(#\(id), \(ok ? "index \(index)" : "failed"))"
        }
    }
}
