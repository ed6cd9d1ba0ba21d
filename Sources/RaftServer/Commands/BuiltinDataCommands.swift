import RESP

// The node's built-in data commands (a core of Redis strings, keys and expiry), registered
// through the same registry an application uses. Interim set until KeyValueStore lands.

private func text(_ b: [UInt8]) -> String { String(decoding: b, as: UTF8.self) }
private func int(_ b: [UInt8]) -> Int64? { Int64(text(b)) }
private let notInteger = RESPValue.error("ERR value is not an integer or out of range")
private let syntax = RESPValue.error("ERR syntax error")

/// Rewrites relative expiry options into absolute ones (PXAT), on the leader only.
private func prepareSet(_ args: [[UInt8]], _ now: Int64) -> Result<[[UInt8]], CommandRejection> {
    var out = Array(args.prefix(3))
    var i = 3
    while i < args.count {
        let opt = text(args[i]).uppercased()
        switch opt {
        case "EX", "PX", "EXAT", "PXAT":
            guard i + 1 < args.count, let n = int(args[i + 1]), n > 0 else {
                return .failure(CommandRejection(.error("ERR invalid expire time in 'set' command")))
            }
            let at: Int64 = switch opt {
            case "EX": now + n * 1000
            case "PX": now + n
            case "EXAT": n * 1000
            default: n
            }
            out += [Array("PXAT".utf8), Array(String(at).utf8)]
            i += 2
        case "NX", "XX", "KEEPTTL", "GET":
            out.append(Array(opt.utf8))
            i += 1
        default:
            return .failure(CommandRejection(syntax))
        }
    }
    return .success(out)
}

private func prepareExpire(unitMillis: Int64, absolute: Bool) -> @Sendable ([[UInt8]], Int64) -> Result<[[UInt8]], CommandRejection> {
    { args, now in
        guard let n = int(args[2]) else { return .failure(CommandRejection(notInteger)) }
        let at = absolute ? n * unitMillis : now + n * unitMillis
        return .success([Array("PEXPIREAT".utf8), args[1], Array(String(at).utf8)])
    }
}

private func incr(_ d: KeyValueData, _ key: [UInt8], by: Int64) -> RESPValue {
    let item = d.get(key)
    guard let current = item.map({ int($0.value) }) ?? 0 else { return notInteger }
    let (sum, overflow) = current.addingReportingOverflow(by)
    guard !overflow else { return .error("ERR increment or decrement would overflow") }
    d.set(key, Array(String(sum).utf8), expiresAtMillis: item?.expiresAtMillis)
    return .integer(sum)
}

private func ttl(_ d: KeyValueData, _ key: [UInt8], divisor: Int64) -> RESPValue {
    guard let item = d.get(key) else { return .integer(-2) }
    guard let e = item.expiresAtMillis else { return .integer(-1) }
    return .integer((e - d.now + divisor - 1) / divisor)
}

/// Glob matching for KEYS (`*`, `?`, `[...]` without ranges' negation subtleties; `\` escapes).
func globMatch(_ pattern: [UInt8], _ s: [UInt8]) -> Bool {
    func m(_ p: Int, _ i: Int) -> Bool {
        if p == pattern.count { return i == s.count }
        switch pattern[p] {
        case UInt8(ascii: "*"):
            var j = i
            while j <= s.count {
                if m(p + 1, j) { return true }
                j += 1
            }
            return false
        case UInt8(ascii: "?"):
            return i < s.count && m(p + 1, i + 1)
        case UInt8(ascii: "\\") where p + 1 < pattern.count:
            return i < s.count && s[i] == pattern[p + 1] && m(p + 2, i + 1)
        default:
            return i < s.count && s[i] == pattern[p] && m(p + 1, i + 1)
        }
    }
    return m(0, 0)
}

extension CommandRegistry {
    mutating func registerBuiltinDataCommands() {
        register(CommandSpec(name: "get", kind: .read, arity: 2) { d, a in .bulkString(d.get(a[1])?.value) })
        register(CommandSpec(name: "set", kind: .write, arity: -3, prepare: prepareSet) { d, a in
            var expiry: Int64? = nil
            var nx = false, xx = false, keep = false, get = false
            var i = 3
            while i < a.count {
                switch text(a[i]) {
                case "PXAT": expiry = int(a[i + 1]); i += 1
                case "NX": nx = true
                case "XX": xx = true
                case "KEEPTTL": keep = true
                case "GET": get = true
                default: return syntax
                }
                i += 1
            }
            let old = d.get(a[1])
            if (nx && old != nil) || (xx && old == nil) { return get ? .bulkString(old?.value) : .nullBulk }
            if let e = expiry, e <= d.now {
                d.delete(a[1])
            } else {
                d.set(a[1], a[2], expiresAtMillis: keep ? old?.expiresAtMillis : expiry)
            }
            return get ? .bulkString(old?.value) : .ok
        })
        register(CommandSpec(name: "setnx", kind: .write, arity: 3) { d, a in
            guard d.get(a[1]) == nil else { return .integer(0) }
            d.set(a[1], a[2])
            return .integer(1)
        })
        register(CommandSpec(name: "getset", kind: .write, arity: 3) { d, a in
            let old = d.get(a[1])?.value
            d.set(a[1], a[2])
            return .bulkString(old)
        })
        register(CommandSpec(name: "mget", kind: .read, arity: -2) { d, a in .array(a.dropFirst().map { .bulkString(d.get($0)?.value) }) })
        register(CommandSpec(name: "mset", kind: .write, arity: -3) { d, a in
            guard a.count % 2 == 1 else { return .error("ERR wrong number of arguments for 'mset' command") }
            for i in stride(from: 1, to: a.count, by: 2) { d.set(a[i], a[i + 1]) }
            return .ok
        })
        register(CommandSpec(name: "del", kind: .write, arity: -2) { d, a in .integer(Int64(a.dropFirst().filter { d.delete($0) }.count)) })
        register(CommandSpec(name: "unlink", kind: .write, arity: -2) { d, a in .integer(Int64(a.dropFirst().filter { d.delete($0) }.count)) })
        register(CommandSpec(name: "exists", kind: .read, arity: -2) { d, a in .integer(Int64(a.dropFirst().filter { d.get($0) != nil }.count)) })
        register(CommandSpec(name: "incr", kind: .write, arity: 2) { d, a in incr(d, a[1], by: 1) })
        register(CommandSpec(name: "decr", kind: .write, arity: 2) { d, a in incr(d, a[1], by: -1) })
        register(CommandSpec(name: "incrby", kind: .write, arity: 3) { d, a in int(a[2]).map { incr(d, a[1], by: $0) } ?? notInteger })
        register(CommandSpec(name: "decrby", kind: .write, arity: 3) { d, a in
            guard let n = int(a[2]), n != .min else { return notInteger }
            return incr(d, a[1], by: -n)
        })
        register(CommandSpec(name: "append", kind: .write, arity: 3) { d, a in
            let item = d.get(a[1])
            let v = (item?.value ?? []) + a[2]
            d.set(a[1], v, expiresAtMillis: item?.expiresAtMillis)
            return .integer(Int64(v.count))
        })
        register(CommandSpec(name: "strlen", kind: .read, arity: 2) { d, a in .integer(Int64(d.get(a[1])?.value.count ?? 0)) })
        register(CommandSpec(name: "type", kind: .read, arity: 2) { d, a in .simpleString(d.get(a[1]) == nil ? "none" : "string") })
        register(CommandSpec(name: "expire", kind: .write, arity: 3, prepare: prepareExpire(unitMillis: 1000, absolute: false), execute: expireAt))
        register(CommandSpec(name: "pexpire", kind: .write, arity: 3, prepare: prepareExpire(unitMillis: 1, absolute: false), execute: expireAt))
        register(CommandSpec(name: "expireat", kind: .write, arity: 3, prepare: prepareExpire(unitMillis: 1000, absolute: true), execute: expireAt))
        register(CommandSpec(name: "pexpireat", kind: .write, arity: 3, execute: expireAt))
        register(CommandSpec(name: "persist", kind: .write, arity: 2) { d, a in
            guard let item = d.get(a[1]), item.expiresAtMillis != nil else { return .integer(0) }
            return .integer(d.setExpiry(a[1], nil) ? 1 : 0)
        })
        register(CommandSpec(name: "ttl", kind: .read, arity: 2) { d, a in ttl(d, a[1], divisor: 1000) })
        register(CommandSpec(name: "pttl", kind: .read, arity: 2) { d, a in ttl(d, a[1], divisor: 1) })
        register(CommandSpec(name: "keys", kind: .read, arity: 2) { d, a in
            .array(d.keys.filter { globMatch(a[1], $0) }.sorted { $0.lexicographicallyPrecedes($1) }.map { .bulkString($0) })
        })
        register(CommandSpec(name: "dbsize", kind: .read, arity: 1) { d, _ in .integer(Int64(d.count)) })
        register(CommandSpec(name: "flushdb", kind: .write, arity: -1) { d, _ in d.removeAll(); return .ok })
        register(CommandSpec(name: "flushall", kind: .write, arity: -1) { d, _ in d.removeAll(); return .ok })
    }
}

@Sendable private func expireAt(_ d: KeyValueData, _ a: [[UInt8]]) -> RESPValue {
    guard let at = int(a[2]) else { return notInteger }
    guard d.get(a[1]) != nil else { return .integer(0) }
    if at <= d.now {
        d.delete(a[1])
    } else {
        _ = d.setExpiry(a[1], at)
    }
    return .integer(1)
}
