import NIOConcurrencyHelpers
import RESP

// CONFIG GET's parameters and CONFIG SET. raft-node is configured by its command line only, so
// CONFIG SET never pretends: setting a parameter to the value it already has answers OK (what
// redis-benchmark and some clients do at start), any other value is refused with the option to
// restart with, and an unknown parameter gets Redis's own error text.
extension NodeCommandHandler {
    /// (name, current value) of the parameters CONFIG GET reports, as Redis names them.
    var configParameters: [(String, String)] {
        [
            ("save", ""), ("appendonly", "no"), ("databases", "1"), ("maxmemory", "0"),
            ("timeout", "0"), ("port", String(server.options.clientAddress.port)),
            ("bind", server.options.clientAddress.host), ("appendfsync", server.options.fsync == .always ? "always" : "no"),
        ] + tuning.all
    }

    /// CONFIG SET parameter value [parameter value ...]: all or nothing, as in Redis 7.
    func configSet(_ pairs: [String]) -> RESPValue {
        guard !pairs.isEmpty, pairs.count % 2 == 0 else {
            return .error("ERR wrong number of arguments for 'config|set' command")
        }
        let current = Dictionary(configParameters, uniquingKeysWith: { a, _ in a })
        var tuned: [(String, Int)] = []
        for i in stride(from: 0, to: pairs.count, by: 2) {
            let name = pairs[i].lowercased(), value = pairs[i + 1]
            if TuningParameters.isTuning(name) {
                guard let n = Int(value) else {
                    return .error("ERR CONFIG SET failed (possibly related to argument '\(pairs[i])') - argument couldn't be parsed into an integer")
                }
                tuned.append((name, n))
                continue
            }
            guard let have = current[name] else {
                return .error("ERR Unknown option or number of arguments for CONFIG SET - '\(pairs[i])'")
            }
            guard value.lowercased() == have.lowercased() else {
                return .error("ERR CONFIG SET failed (possibly related to argument '\(pairs[i])') - raft-node cannot change '\(name)' at run time (it is '\(have)'; restart with other options)")
            }
        }
        tuning.set(tuned)
        return .ok
    }
}

/// Redis's encoding and tuning parameters (hash-max-listpack-entries and kin). raft-node's
/// encodings do not depend on them, but clients, test suites and tools set them at start, so
/// CONFIG SET stores an integer value and CONFIG GET reports it; nothing else reads them. The
/// old ziplist names are aliases of the listpack ones, as in Redis 7. Per node, not replicated.
final class TuningParameters: Sendable {
    /// Name and Redis 7.2's default; aliases follow.
    static let defaults: [(String, Int)] = [
        ("hash-max-listpack-entries", 128), ("hash-max-listpack-value", 64),
        ("list-max-listpack-size", -2), ("list-compress-depth", 0),
        ("set-max-intset-entries", 512), ("set-max-listpack-entries", 128), ("set-max-listpack-value", 64),
        ("zset-max-listpack-entries", 128), ("zset-max-listpack-value", 64),
    ]
    static let aliases: [String: String] = [
        "hash-max-ziplist-entries": "hash-max-listpack-entries", "hash-max-ziplist-value": "hash-max-listpack-value",
        "list-max-ziplist-size": "list-max-listpack-size",
        "zset-max-ziplist-entries": "zset-max-listpack-entries", "zset-max-ziplist-value": "zset-max-listpack-value",
    ]

    static func isTuning(_ name: String) -> Bool {
        aliases[name] != nil || defaults.contains { $0.0 == name }
    }

    private let values = NIOLockedValueBox(Dictionary(TuningParameters.defaults, uniquingKeysWith: { a, _ in a }))

    /// Every parameter and alias with its value, for CONFIG GET.
    var all: [(String, String)] {
        let v = values.withLockedValue { $0 }
        return Self.defaults.map { ($0.0, String(v[$0.0]!)) } + Self.aliases.sorted { $0.key < $1.key }.map { ($0.key, String(v[$0.value]!)) }
    }

    func set(_ pairs: [(String, Int)]) {
        values.withLockedValue { v in
            for (name, n) in pairs { v[Self.aliases[name] ?? name] = n }
        }
    }
}
