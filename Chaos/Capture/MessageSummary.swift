// A Raft message in words and fields: what the timeline prints and the JSON carries. Client
// entries are shown as the command they hold (the node's log-entry format, KeyValueStore's
// `LogEntry`), configuration entries as the membership change.
import KeyValueStore
import PeerWire
import RaftCore

public enum MessageSummary {
    public static func typeName(_ body: Message.Body) -> String {
        switch body {
        case .requestVote(let b): return b.preVote ? "PreVote" : "RequestVote"
        case .requestVoteResponse(let b): return b.preVote ? "PreVoteResponse" : "RequestVoteResponse"
        case .appendEntries: return "AppendEntries"
        case .appendEntriesResponse: return "AppendEntriesResponse"
        case .installSnapshot: return "InstallSnapshot"
        case .installSnapshotResponse: return "InstallSnapshotResponse"
        case .timeoutNow: return "TimeoutNow"
        case .readIndex: return "ReadIndex"
        case .readIndexResponse: return "ReadIndexResponse"
        }
    }

    /// The fields after the term, as `name value` pairs in a fixed order.
    public static func fields(_ body: Message.Body) -> [(String, String)] {
        switch body {
        case .requestVote(let b):
            var f = [("lastLogIndex", "\(b.lastLogIndex)"), ("lastLogTerm", "\(b.lastLogTerm)")]
            if b.leadershipTransfer { f.append(("transfer", "true")) }
            return f
        case .requestVoteResponse(let b):
            return [("granted", "\(b.granted)")]
        case .appendEntries(let b):
            var f = [("prev", "\(b.prevLogIndex)/\(b.prevLogTerm)"), ("commit", "\(b.leaderCommit)"), ("entries", "\(b.entries.count)")]
            if b.readContext != 0 { f.append(("readContext", "\(b.readContext)")) }
            return f
        case .appendEntriesResponse(let b):
            var f = [("success", "\(b.success)"), ("index", "\(b.index)")]
            if !b.success { f.append(("conflict", "\(b.conflictIndex)/\(b.conflictTerm)")) }
            if b.readContext != 0 { f.append(("readContext", "\(b.readContext)")) }
            return f
        case .installSnapshot(let m):
            return [("snapshot", "\(m.index)/\(m.term)"), ("voters", m.configuration.voters.map(\.rawValue).sorted().joined(separator: ","))]
        case .installSnapshotResponse(let b):
            return [("index", "\(b.index)"), ("success", "\(b.success)")]
        case .timeoutNow:
            return []
        case .readIndex(let id):
            return [("request", "\(id)")]
        case .readIndexResponse(let id, let index, let ok):
            return [("request", "\(id)"), ("index", "\(index)"), ("ok", "\(ok)")]
        }
    }

    /// One entry as `index/term what`, e.g. `7/3 SET k v`, `8/3 noop`, `9/3 conf addVoter 4`.
    public static func entry(_ e: Entry, maxLength: Int = 60) -> String {
        "\(e.index)/\(e.term) " + entryContent(e, maxLength: maxLength)
    }

    public static func entryContent(_ e: Entry, maxLength: Int = 60) -> String {
        switch e.kind {
        case .noop: return "noop"
        case .configuration:
            if let c = try? ConfChange(decoding: e.data) { return "conf \(c.kind) \(c.node)" }
            return "conf (\(e.data.count) bytes)"
        case .normal:
            guard let entry = LogEntry.decode(e.data) else { return "(\(e.data.count) bytes)" }
            return command(entry.args, maxLength: maxLength)
        }
    }

    /// A command line as a person would type it; arguments that are not printable text are
    /// shown as hex, long ones are cut.
    public static func command(_ args: [[UInt8]], maxLength: Int = 60) -> String {
        let words = args.enumerated().map { i, a -> String in
            let text = String(decoding: a, as: UTF8.self)
            let printable = a.allSatisfy { $0 >= 0x21 && $0 < 0x7F }
            let w = printable ? (i == 0 ? text.uppercased() : text) : "0x" + a.prefix(16).map { String($0, radix: 16).leftPadded(2) }.joined()
            return w
        }
        var line = words.joined(separator: " ")
        if line.count > maxLength { line = String(line.prefix(maxLength - 3)) + "..." }
        return line
    }
}

extension String {
    func leftPadded(_ width: Int, with c: Character = "0") -> String {
        count >= width ? self : String(repeating: c, count: width - count) + self
    }
}
