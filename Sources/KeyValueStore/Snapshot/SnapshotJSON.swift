// Human-readable rendering for `raft-node dump-snapshot`: one JSON object per line.
//   {"snapshot":"kv","version":3,"clock_ms":1700000000000,"keys":2}   (version 1: no "keys")
//   {"key":"k","type":"string","value":"v","expires_at_ms":null}
//   {"key":"h","type":"hash","value":{"f":"v"},"expires_at_ms":1700000005000}
//   {"key":"l","type":"list","value":["a","b"],"expires_at_ms":null}
//   {"key":"s","type":"set","value":["a","b"],"expires_at_ms":null}          members in byte order
//   {"key":"z","type":"zset","value":[["a","1.5"],["b","inf"]],"expires_at_ms":null}  score order
//   {"tree":"/a/b","attributes":{"x":"1"}}
//   {"end":true,"records":3}
// Bytes that are not UTF-8 appear as \u00XX escapes of the byte values.

import RESP

extension SnapshotRecord {
    public var jsonLine: String {
        func q(_ b: [UInt8]) -> String { TinyJSON.quoted(b) }
        switch self {
        case .header(let clock, let keyCount):
            guard let keyCount else { return "{\"snapshot\":\"kv\",\"version\":1,\"clock_ms\":\(clock)}" }
            return "{\"snapshot\":\"kv\",\"version\":\(SnapshotTag.version),\"clock_ms\":\(clock),\"keys\":\(keyCount)}"
        case .key(let k, let r):
            let value: String
            switch r.value {
            case .string(let s): value = q(s)
            case .hash(let h):
                value = "{" + h.sorted { $0.key < $1.key }.map { q($0.key.bytes) + ":" + q($0.value) }.joined(separator: ",") + "}"
            case .list(let l): value = "[" + l.map(q).joined(separator: ",") + "]"
            case .set(let s): value = "[" + s.sorted().map { q($0.bytes) }.joined(separator: ",") + "]"
            case .zset(let z):
                value = "[" + z.all.map { "[" + q($0.member.bytes) + "," + q(Array(RESPEncoder.formatDouble($0.score).utf8)) + "]" }.joined(separator: ",") + "]"
            }
            let exp = r.expiresAt.map(String.init) ?? "null"
            return "{\"key\":\(q(k.bytes)),\"type\":\"\(r.value.typeName)\",\"value\":\(value),\"expires_at_ms\":\(exp)}"
        case .treeNode(let path, let attrs):
            let a = attrs.map { q($0.0.bytes) + ":" + q($0.1) }.joined(separator: ",")
            return "{\"tree\":\(q(path.isEmpty ? [UInt8(ascii: "/")] : path)),\"attributes\":{\(a)}}"
        case .end(let n):
            return "{\"end\":true,\"records\":\(n)}"
        }
    }
}
