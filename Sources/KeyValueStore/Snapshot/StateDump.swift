// A human-readable listing of the state for pyraft's GETDUMP: one line per live key, in byte
// order, then one line per tree node. Strings read as `key=value`; other kinds show their type
// and a JSON rendering (`h=hash {"f":"v"}`, `l=list ["a","b"]`); a deadline is appended as
// ` (expires at MS ms)`. Bytes that are not UTF-8 are shown as JSON \u00XX escapes.

import RESP

extension KeyValueStore {
    public func dumpLines(now: Int64) -> [String] {
        var lines: [String] = []
        for key in liveKeys(now: now).sorted() {
            guard let r = record(key, now: now) else { continue }
            let k = String(decoding: key.bytes, as: UTF8.self)
            var line: String
            switch r.value {
            case .string(let s):
                line = "\(k)=\(String(decoding: s, as: UTF8.self))"
            case .hash(let h):
                let fields = h.sorted { $0.key < $1.key }.map { TinyJSON.quoted($0.key.bytes) + ":" + TinyJSON.quoted($0.value) }
                line = "\(k)=hash {" + fields.joined(separator: ",") + "}"
            case .list(let l):
                line = "\(k)=list [" + l.map(TinyJSON.quoted).joined(separator: ",") + "]"
            case .set(let s):
                line = "\(k)=set [" + s.sorted().map { TinyJSON.quoted($0.bytes) }.joined(separator: ",") + "]"
            case .zset(let z):
                line = "\(k)=zset [" + z.all.map { TinyJSON.quoted($0.member.bytes) + ":" + RESPEncoder.formatDouble($0.score) }.joined(separator: ",") + "]"
            }
            if let d = r.expiresAt { line += " (expires at \(d) ms)" }
            lines.append(line)
        }
        tree.walk { path, node in
            guard !path.isEmpty || !node.attributes.isEmpty else { return }  // the bare root says nothing
            let attrs = node.attributes.sorted { $0.key < $1.key }.map { TinyJSON.quoted($0.key.bytes) + ":" + TinyJSON.quoted($0.value) }
            lines.append("tree \(String(decoding: path.isEmpty ? [UInt8(ascii: "/")] : path, as: UTF8.self)) {" + attrs.joined(separator: ",") + "}")
        }
        return lines
    }
}
