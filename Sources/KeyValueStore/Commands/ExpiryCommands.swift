// Expiry: EXPIRE PEXPIRE EXPIREAT PEXPIREAT (NX XX GT LT), EXPIRETIME PEXPIRETIME TTL PTTL PERSIST.
// On the leader EXPIRE/PEXPIRE are rewritten to PEXPIREAT with an absolute deadline, so the
// deadline is fixed when the client asked, not when each replica applies.

import RESP

enum ExpiryCommands {
    static func register(in r: inout CommandRegistry) {
        r.register("expire", kind: .write, arity: -3, prepare: prepareRelative, handler: expire)
        r.register("pexpire", kind: .write, arity: -3, prepare: prepareRelative, handler: expire)
        r.register("expireat", kind: .write, arity: -3, prepare: validateOnly, handler: expire)
        r.register("pexpireat", kind: .write, arity: -3, prepare: validateOnly, handler: expire)
        r.register("ttl", kind: .read, arity: 2, handler: ttl)
        r.register("pttl", kind: .read, arity: 2, handler: ttl)
        r.register("expiretime", kind: .read, arity: 2, handler: ttl)
        r.register("pexpiretime", kind: .read, arity: 2, handler: ttl)
        r.register("persist", kind: .write, arity: 2, handler: persist)
    }

    struct Flags { var nx = false, xx = false, gt = false, lt = false }

    static func parseFlags(_ a: [[UInt8]]) throws(CommandError) -> Flags {
        var f = Flags()
        for i in 3..<max(3, a.count) {
            let o = a[i]
            if o.isOption("nx") { f.nx = true }
            else if o.isOption("xx") { f.xx = true }
            else if o.isOption("gt") { f.gt = true }
            else if o.isOption("lt") { f.lt = true }
            else { throw CommandError("ERR Unsupported option \(String(decoding: o, as: UTF8.self))") }
        }
        if f.nx && (f.xx || f.gt || f.lt) {
            throw CommandError("ERR NX and XX, GT or LT options at the same time are not compatible")
        }
        if f.gt && f.lt { throw CommandError("ERR GT and LT options at the same time are not compatible") }
        return f
    }

    static func shape(_ name: [UInt8]) -> (String, ExpireUnit, Bool) {
        if name.isOption("expire") { return ("expire", .seconds, true) }
        if name.isOption("pexpire") { return ("pexpire", .milliseconds, true) }
        if name.isOption("expireat") { return ("expireat", .seconds, false) }
        return ("pexpireat", .milliseconds, false)
    }

    static func deadline(_ a: [[UInt8]], now: Int64) throws(CommandError) -> Int64 {
        let (name, unit, relative) = shape(a[0])
        return try Expiry.deadline(a[2], unit: unit, relative: relative, now: now, command: name, positive: false)
    }

    static func prepareRelative(_ a: inout [[UInt8]], _ now: Int64) throws(CommandError) {
        _ = try parseFlags(a)
        let d = try deadline(a, now: now)
        a = [Array("PEXPIREAT".utf8), a[1], Numbers.bytes(d)] + a.dropFirst(3)
    }

    static func validateOnly(_ a: inout [[UInt8]], _ now: Int64) throws(CommandError) {
        _ = try parseFlags(a)
        _ = try deadline(a, now: now)
    }

    static func expire(_ c: CommandContext) throws(CommandError) -> RESPValue {
        let f = try parseFlags(c.args)
        let when = try deadline(c.args, now: c.now)
        let key = c.key(1)
        guard let r = c.store.record(key, now: c.now) else { return .integer(0) }
        let current = r.expiresAt
        if f.nx && current != nil { return .integer(0) }
        if f.xx && current == nil { return .integer(0) }
        if f.gt, current == nil || when <= current! { return .integer(0) }  // no TTL = infinite
        if f.lt, let cur = current, when >= cur { return .integer(0) }
        c.store.setExpiry(key, when)
        return .integer(1)
    }

    static func ttl(_ c: CommandContext) throws(CommandError) -> RESPValue {
        let name = c.command.name
        guard let r = c.store.record(c.key(1), now: c.now) else { return .integer(-2) }
        guard let d = r.expiresAt else { return .integer(-1) }
        let absolute = name.hasSuffix("expiretime")
        let ms = name.hasPrefix("p")
        var t = absolute ? d : d - c.now
        if t < 0 { t = 0 }
        return .integer(ms ? t : (t + 500) / 1000)
    }

    static func persist(_ c: CommandContext) throws(CommandError) -> RESPValue {
        let key = c.key(1)
        guard let r = c.store.record(key, now: c.now), r.expiresAt != nil else { return .integer(0) }
        c.store.setExpiry(key, nil)
        return .integer(1)
    }
}
