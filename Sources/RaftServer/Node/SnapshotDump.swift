import KeyValueStore
import RaftCore
import RaftStorage

/// Reads a node's snapshot file (under `--data-dir/snapshots`) for humans: one JSON object per
/// line, the Raft metadata first, then the key-value snapshot's records as KeyValueStore's
/// SnapshotJSON renders them (header, one line per key and tree node, end).
public enum SnapshotDump {
    public static func jsonLines(path: String) throws -> [String] {
        let file = try RaftStorage.SnapshotReader(path: path)
        let m = file.metadata
        var lines = [
            "{\"index\":\(m.index),\"term\":\(m.term),\"voters\":[\(m.configuration.voters.sorted().map { json($0.rawValue) }.joined(separator: ","))]}"
        ]
        var records = KeyValueSnapshotReader()
        while let chunk = try file.next() {
            for record in try records.feed(chunk) { lines.append(record.jsonLine) }
        }
        try records.finish()
        return lines
    }

    static func json(_ s: String) -> String {
        var out = "\""
        for u in s.unicodeScalars {
            switch u {
            case "\"": out += "\\\""
            case "\\": out += "\\\\"
            case _ where u.value < 0x20:
                let h = String(u.value, radix: 16)
                out += "\\u" + String(repeating: "0", count: 4 - h.count) + h
            default: out.unicodeScalars.append(u)
            }
        }
        return out + "\""
    }
}
