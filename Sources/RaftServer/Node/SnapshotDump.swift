import RaftCore
import RaftStorage

/// Reads a node's snapshot file (under `--data-dir/snapshots`) for humans: one JSON object per
/// line, the metadata first, then one line per key.
public enum SnapshotDump {
    public static func jsonLines(path: String) throws -> [String] {
        let reader = try SnapshotReader(path: path)
        var bytes: [UInt8] = []
        while let record = try reader.next() { bytes += record }
        let machine = ReplicatedStateMachine(registry: CommandRegistry())
        try machine.restore(bytes)
        let m = reader.metadata
        var lines = [
            "{\"index\":\(m.index),\"term\":\(m.term),\"voters\":[\(m.configuration.voters.sorted().map { json($0.rawValue) }.joined(separator: ","))],\"keys\":\(machine.data.items.count)}"
        ]
        for (k, v) in machine.data.items.sorted(by: { $0.key.lexicographicallyPrecedes($1.key) }) {
            var line = "{\"key\":\(json(String(decoding: k, as: UTF8.self))),\"value\":\(json(String(decoding: v.value, as: UTF8.self)))"
            if let e = v.expiresAtMillis { line += ",\"expires_at_ms\":\(e)" }
            lines.append(line + "}")
        }
        return lines
    }

    static func json(_ s: String) -> String {
        var out = "\""
        for u in s.unicodeScalars {
            switch u {
            case "\"": out += "\\\""
            case "\\": out += "\\\\"
            case "\n": out += "\\n"
            case "\r": out += "\\r"
            case "\t": out += "\\t"
            case _ where u.value < 0x20:
                let h = String(u.value, radix: 16)
                out += "\\u" + String(repeating: "0", count: 4 - h.count) + h
            default: out.unicodeScalars.append(u)
            }
        }
        return out + "\""
    }
}
