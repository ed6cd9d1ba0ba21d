// HyperLogLog: PFADD PFCOUNT PFMERGE over strings holding HyperLogLog.swift's encoding.
// PFCOUNT is a read here (Redis caches the estimate in the value, which makes its PFCOUNT a
// write; the estimate is recomputed instead, so no replica state changes).

import RESP

enum HyperLogLogCommands {
    static func register(in r: inout CommandRegistry) {
        r.register("pfadd", kind: .write, arity: -2, handler: pfadd)
        r.register("pfcount", kind: .read, arity: -2, handler: pfcount)
        r.register("pfmerge", kind: .write, arity: -2, handler: pfmerge)
    }

    static let notHLL = CommandError("WRONGTYPE Key is not a valid HyperLogLog string value.")

    /// The HyperLogLog at `key`, nil when absent.
    static func load(_ c: CommandContext, _ key: ByteKey) throws(CommandError) -> HyperLogLog? {
        guard let s = try c.string(key) else { return nil }
        guard let h = HyperLogLog(s) else { throw notHLL }
        return h
    }

    static func pfadd(_ c: CommandContext) throws(CommandError) -> RESPValue {
        let existing = try load(c, c.key(1))
        var h = existing ?? HyperLogLog()
        var changed = existing == nil
        for i in 2..<c.args.count where h.add(c.args[i]) { changed = true }
        if changed { c.store.setValue(c.key(1), .string(h.encoded), keepTTL: true) }
        return .int(changed)
    }

    static func pfcount(_ c: CommandContext) throws(CommandError) -> RESPValue {
        var h = HyperLogLog()
        for i in 1..<c.args.count { if let x = try load(c, c.key(i)) { h.merge(x) } }
        return .integer(Int64(h.count))
    }

    static func pfmerge(_ c: CommandContext) throws(CommandError) -> RESPValue {
        var h = try load(c, c.key(1)) ?? HyperLogLog()
        for i in 2..<c.args.count { if let x = try load(c, c.key(i)) { h.merge(x) } }
        c.store.setValue(c.key(1), .string(h.encoded), keepTTL: true)
        return .ok
    }
}
