// Compares the answers two runs of a node gave to the same inputs: for each peer and each kind
// of answer (vote, append, snapshot), the sequences of (type, term, outcome, index) in order.
// Timer-driven messages (campaigns, heartbeats) are left out: they depend on clocks, not inputs.
import RaftCore

public enum InjectionComparison {
    /// One answer as compared: `AppendEntriesResponse term 2 success true index 7`.
    public static func answer(_ m: Message) -> String? {
        switch m.body {
        case .requestVoteResponse(let b): return "\(b.preVote ? "PreVoteResponse" : "RequestVoteResponse") term \(m.term) granted \(b.granted)"
        case .appendEntriesResponse(let b): return "AppendEntriesResponse term \(m.term) success \(b.success) index \(b.index)"
        case .installSnapshotResponse(let b): return "InstallSnapshotResponse term \(m.term) success \(b.success) index \(b.index)"
        default: return nil
        }
    }

    /// Answers per peer, in order, duplicates in a row collapsed (a heartbeat answered twice by
    /// one build and once by another, for batching, is not a protocol change).
    public static func answers(_ messages: [Message]) -> [NodeID: [String]] {
        var out: [NodeID: [String]] = [:]
        for m in messages {
            guard let a = answer(m) else { continue }
            if out[m.to]?.last != a { out[m.to, default: []].append(a) }
        }
        return out
    }

    /// Human-readable differences; empty when the answers agree.
    public static func differences(_ a: [Message], _ b: [Message], names: (String, String)) -> [String] {
        let x = answers(a), y = answers(b)
        var lines: [String] = []
        for peer in Set(x.keys).union(y.keys).sorted() {
            let l = x[peer] ?? [], r = y[peer] ?? []
            if l == r { continue }
            let common = zip(l, r).prefix { $0 == $1 }.count
            lines.append("to \(peer): \(names.0) gave \(l.count) answers, \(names.1) \(r.count); they agree on the first \(common)")
            if common < l.count { lines.append("  \(names.0) answer \(common + 1): \(l[common])") }
            if common < r.count { lines.append("  \(names.1) answer \(common + 1): \(r[common])") }
        }
        return lines
    }
}
