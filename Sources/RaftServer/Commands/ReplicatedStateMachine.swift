import RESP

/// The key-value state machine seen by the node: routes commands, prepares writes into log
/// entry bytes, applies entries, serves reads, snapshots.
final class ReplicatedStateMachine {
    enum Route {
        case read(CommandSpec)
        case write(CommandSpec)
        case rejected(RESPValue)
    }

    let registry: CommandRegistry
    let data = KeyValueData()

    init(registry: CommandRegistry) { self.registry = registry }

    func route(_ arguments: [[UInt8]]) -> Route {
        guard let name = arguments.first else { return .rejected(.error("ERR empty command")) }
        guard let spec = registry.lookup(name) else {
            let shown = String(decoding: name.prefix(128), as: UTF8.self)
            return .rejected(.error("ERR unknown command '\(shown)', with args beginning with: "))
        }
        guard spec.acceptsArgumentCount(arguments.count) else {
            return .rejected(.error("ERR wrong number of arguments for '\(spec.name)' command"))
        }
        return spec.kind == .read ? .read(spec) : .write(spec)
    }

    /// Leader side: the entry bytes to propose (time stamp + prepared arguments).
    func prepare(_ spec: CommandSpec, _ arguments: [[UInt8]], nowMillis: Int64) -> Result<[UInt8], CommandRejection> {
        var args = arguments
        if let prepare = spec.prepare {
            switch prepare(arguments, nowMillis) {
            case .success(let a): args = a
            case .failure(let e): return .failure(e)
            }
        }
        var w = ByteWriter()
        w.u64(UInt64(bitPattern: nowMillis))
        w.u32(UInt32(args.count))
        for a in args { w.blob(a) }
        return .success(w.bytes)
    }

    /// Every replica: runs a committed entry. Undecodable or unknown entries answer an error
    /// and change nothing (they cannot be refused any more: they are committed).
    func apply(_ entry: [UInt8]) -> RESPValue {
        var r = ByteReader(entry)
        do {
            let now = Int64(bitPattern: try r.u64())
            let n = Int(try r.u32())
            var args: [[UInt8]] = []
            for _ in 0..<min(n, 1 << 20) { args.append(try r.blob()) }
            guard case .write(let spec) = route(args) else { return .error("ERR entry holds no known write command") }
            data.now = now
            return spec.execute(data, args)
        } catch {
            return .error("ERR undecodable log entry: \(error)")
        }
    }

    func read(_ spec: CommandSpec, _ arguments: [[UInt8]], nowMillis: Int64) -> RESPValue {
        data.now = max(data.now, nowMillis)
        return spec.execute(data, arguments)
    }

    /// The whole state, for snapshots and GETDUMP.
    func serialize() -> [UInt8] {
        var w = ByteWriter()
        w.u64(UInt64(bitPattern: data.now))
        w.u32(UInt32(data.items.count))
        for (k, v) in data.items.sorted(by: { $0.key.lexicographicallyPrecedes($1.key) }) {
            w.blob(k); w.blob(v.value); w.u64(UInt64(bitPattern: v.expiresAtMillis ?? -1))
        }
        return w.bytes
    }

    func restore(_ bytes: [UInt8]) throws {
        var r = ByteReader(bytes)
        let now = Int64(bitPattern: try r.u64())
        let n = Int(try r.u32())
        var items: [[UInt8]: KeyValueData.Item] = [:]
        for _ in 0..<n {
            let k = try r.blob(), v = try r.blob(), e = Int64(bitPattern: try r.u64())
            items[k] = .init(value: v, expiresAtMillis: e < 0 ? nil : e)
        }
        data.items = items
        data.now = now
    }
}
