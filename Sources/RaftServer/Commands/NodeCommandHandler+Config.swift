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
        ]
    }

    /// CONFIG SET parameter value [parameter value ...]: all or nothing, as in Redis 7.
    func configSet(_ pairs: [String]) -> RESPValue {
        guard !pairs.isEmpty, pairs.count % 2 == 0 else {
            return .error("ERR wrong number of arguments for 'config|set' command")
        }
        let current = Dictionary(configParameters, uniquingKeysWith: { a, _ in a })
        for i in stride(from: 0, to: pairs.count, by: 2) {
            let name = pairs[i].lowercased(), value = pairs[i + 1]
            guard let have = current[name] else {
                return .error("ERR Unknown option or number of arguments for CONFIG SET - '\(pairs[i])'")
            }
            guard value.lowercased() == have.lowercased() else {
                return .error("ERR CONFIG SET failed (possibly related to argument '\(pairs[i])') - raft-node cannot change '\(name)' at run time (it is '\(have)'; restart with other options)")
            }
        }
        return .ok
    }
}
