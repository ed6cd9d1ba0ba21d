import RaftCore

// pyraft's admin commands: GETDUMP (the state machine) and GETLOG (the log's tail).
extension NodeDriver {
    func dump() -> String {
        var lines: [String] = []
        let data = machine.data
        data.now = max(data.now, Int64(clock_gettime_realtime_millis()))
        for key in data.keys.sorted(by: { $0.lexicographicallyPrecedes($1) }) {
            guard let item = data.get(key) else { continue }
            let k = String(decoding: key, as: UTF8.self), v = String(decoding: item.value, as: UTF8.self)
            lines.append("\(k)=\(v)" + (item.expiresAtMillis.map { " (expires at \($0) ms)" } ?? ""))
        }
        return lines.joined(separator: "\n")
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
            var r = ByteReader(e.data)
            guard let _ = try? r.u64(), let n = try? r.u32() else { return "?" }
            var words: [String] = []
            for _ in 0..<min(Int(n), 16) {
                guard let w = try? r.blob() else { break }
                words.append(String(decoding: w.prefix(64), as: UTF8.self))
            }
            return words.joined(separator: " ")
        }
    }
}
