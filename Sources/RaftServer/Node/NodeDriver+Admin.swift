import KeyValueStore
import RaftCore

// pyraft's admin commands: GETDUMP (the state machine) and GETLOG (the log's tail).
extension NodeDriver {
    func dump() -> String {
        machine.store.dumpLines(now: max(Int64(clock_gettime_realtime_millis()), machine.store.clock)).joined(separator: "\n")
    }

    func logLines(limit: Int) -> [String] {
        let last = raft.lastIndex
        guard last >= raft.firstIndex else { return [] }
        let first = max(raft.firstIndex, LogIndex(last.rawValue >= UInt64(max(limit, 1)) ? last.rawValue - UInt64(max(limit, 1)) + 1 : 1))
        var out: [String] = []
        var i = first
        while i <= last {
            if let e = raft.entry(at: i) { out.append("\(e.index) \(e.term) \(e.kind) \(describe(e))") }
            i = i.next
        }
        return out
    }

    private func describe(_ e: Entry) -> String {
        switch e.kind {
        case .noop: return ""
        case .configuration: return (try? ConfChange(decoding: e.data)).map { "\($0.kind) \($0.node) \($0.address)" } ?? "?"
        case .normal:
            // "@<leader ms> SET k v" (words cut to 64 bytes, at most 16 shown).
            guard let entry = LogEntry.decode(e.data) else { return "? (\(e.data.count) undecodable bytes)" }
            let words = entry.args.prefix(16).map { String(decoding: $0.prefix(64), as: UTF8.self) }
            return "@\(entry.timestamp) " + words.joined(separator: " ") + (entry.args.count > 16 ? " ..." : "")
        }
    }
}
