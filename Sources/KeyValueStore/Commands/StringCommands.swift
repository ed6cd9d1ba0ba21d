// Strings: GET SET SETNX SETEX PSETEX GETSET GETDEL GETEX MGET MSET MSETNX APPEND STRLEN
// GETRANGE SETRANGE SETBIT GETBIT INCR INCRBY DECR DECRBY INCRBYFLOAT (LCS: LCSCommand.swift).

import RESP

let maxStringLength = 512 * 1024 * 1024

enum StringCommands {
    static func register(in r: inout CommandRegistry) {
        r.register("get", kind: .read, arity: 2, handler: get)
        r.register("set", kind: .write, arity: -3, prepare: prepareSet, handler: set)
        r.register("setnx", kind: .write, arity: 3, handler: setnx)
        r.register("setex", kind: .write, arity: 4, prepare: prepareSetex, handler: setex)
        r.register("psetex", kind: .write, arity: 4, prepare: prepareSetex, handler: setex)
        r.register("getset", kind: .write, arity: 3, handler: getset)
        r.register("getdel", kind: .write, arity: 2, handler: getdel)
        r.register("getex", kind: .write, arity: -2, prepare: prepareGetex, handler: getex)
        r.register("mget", kind: .read, arity: -2, handler: mget)
        r.register("mset", kind: .write, arity: -3, handler: mset)
        r.register("msetnx", kind: .write, arity: -3, handler: msetnx)
        r.register("append", kind: .write, arity: 3, handler: append)
        r.register("strlen", kind: .read, arity: 2, handler: strlen)
        r.register("getrange", kind: .read, arity: 4, handler: getrange)
        r.register("substr", kind: .read, arity: 4, handler: getrange)
        r.register("setrange", kind: .write, arity: 4, handler: setrange)
        r.register("setbit", kind: .write, arity: 4, handler: setbit)
        r.register("getbit", kind: .read, arity: 3, handler: getbit)
        r.register("incr", kind: .write, arity: 2, handler: incr)
        r.register("decr", kind: .write, arity: 2, handler: decr)
        r.register("incrby", kind: .write, arity: 3, handler: incrby)
        r.register("decrby", kind: .write, arity: 3, handler: decrby)
        r.register("incrbyfloat", kind: .write, arity: 3, handler: incrbyfloat)
        r.register("lcs", kind: .read, arity: -3, handler: LCSCommand.lcs)
    }

    static func get(_ c: CommandContext) throws(CommandError) -> RESPValue {
        .bulkString(try c.string(c.key(1)))
    }

    // MARK: SET family

    static func prepareSet(_ a: inout [[UInt8]], _ now: Int64) throws(CommandError) {
        let o = try SetOptions.parse(a, from: 3, now: now, command: "set")
        a = o.canonical(a[0], a[1], a[2])
    }

    static func set(_ c: CommandContext) throws(CommandError) -> RESPValue {
        let o = try SetOptions.parse(c.args, from: 3, now: c.now, command: "set")
        return try setGeneric(c, c.key(1), c.args[2], o)
    }

    static func setGeneric(_ c: CommandContext, _ key: ByteKey, _ value: [UInt8], _ o: SetOptions) throws(CommandError) -> RESPValue {
        let existing = c.store.record(key, now: c.now)
        var old: [UInt8]? = nil
        if o.get, let e = existing {
            guard case .string(let s) = e.value else { throw .wrongType }
            old = s
        }
        let okReply: RESPValue = o.get ? .bulkString(old) : .ok
        let failReply: RESPValue = o.get ? .bulkString(old) : .nullBulk
        if o.nx && existing != nil { return failReply }
        if o.xx && existing == nil { return failReply }
        c.store.setValue(key, .string(value), keepTTL: o.keepTTL)
        if let d = o.deadline { c.store.setExpiry(key, d) }
        return okReply
    }

    static func setnx(_ c: CommandContext) throws(CommandError) -> RESPValue {
        let key = c.key(1)
        if c.store.record(key, now: c.now) != nil { return .integer(0) }
        c.store.setValue(key, .string(c.args[2]))
        return .integer(1)
    }

    static func prepareSetex(_ a: inout [[UInt8]], _ now: Int64) throws(CommandError) {
        let name = a[0].isOption("setex") ? "setex" : "psetex"
        let d = try Expiry.deadline(a[2], unit: name == "setex" ? .seconds : .milliseconds,
                                    relative: true, now: now, command: name)
        // SET key value PXAT deadline replies OK exactly like SETEX.
        a = [Array("SET".utf8), a[1], a[3], Array("PXAT".utf8), Numbers.bytes(d)]
    }

    static func setex(_ c: CommandContext) throws(CommandError) -> RESPValue {
        let d = try Expiry.deadline(c.args[2], unit: c.command.name == "setex" ? .seconds : .milliseconds,
                                    relative: true, now: c.now, command: c.command.name)
        c.store.setValue(c.key(1), .string(c.args[3]))
        c.store.setExpiry(c.key(1), d)
        return .ok
    }

    static func getset(_ c: CommandContext) throws(CommandError) -> RESPValue {
        let key = c.key(1)
        let old = try c.string(key)
        c.store.setValue(key, .string(c.args[2]))
        return .bulkString(old)
    }

    static func getdel(_ c: CommandContext) throws(CommandError) -> RESPValue {
        let key = c.key(1)
        guard let old = try c.string(key) else { return .nullBulk }
        c.store.remove(key)
        return .bulkString(old)
    }

    /// GETEX's option: nil = leave the TTL alone; .some(nil) = PERSIST; .some(d) = new deadline.
    static func parseGetex(_ a: [[UInt8]], now: Int64) throws(CommandError) -> Int64?? {
        guard a.count > 2 else { return nil }
        let opt = a[2]
        if opt.isOption("persist") {
            guard a.count == 3 else { throw .syntax }
            return .some(nil)
        }
        guard a.count == 4 else { throw .syntax }
        let seconds = opt.isOption("ex") || opt.isOption("exat")
        let relative = opt.isOption("ex") || opt.isOption("px")
        guard seconds || relative || opt.isOption("pxat") else { throw .syntax }
        return .some(try Expiry.deadline(a[3], unit: seconds ? .seconds : .milliseconds,
                                         relative: relative, now: now, command: "getex"))
    }

    static func prepareGetex(_ a: inout [[UInt8]], _ now: Int64) throws(CommandError) {
        if case .some(.some(let d)) = try parseGetex(a, now: now) {
            a = [a[0], a[1], Array("PXAT".utf8), Numbers.bytes(d)]
        }
    }

    static func getex(_ c: CommandContext) throws(CommandError) -> RESPValue {
        let change = try parseGetex(c.args, now: c.now)
        let key = c.key(1)
        guard let v = try c.string(key) else { return .nullBulk }
        if let change { c.store.setExpiry(key, change) }
        return .bulkString(v)
    }

    static func mget(_ c: CommandContext) throws(CommandError) -> RESPValue {
        var out: [RESPValue] = []
        out.reserveCapacity(c.args.count - 1)
        for i in 1..<c.args.count {
            if case .string(let s)? = c.store.value(c.key(i), now: c.now) {
                out.append(.bulkString(s))
            } else {
                out.append(.nullBulk)
            }
        }
        return .array(out)
    }

    static func mset(_ c: CommandContext) throws(CommandError) -> RESPValue {
        guard c.args.count % 2 == 1 else { throw .wrongArity(c.command.name) }
        var i = 1
        while i < c.args.count {
            c.store.setValue(c.key(i), .string(c.args[i + 1]))
            i += 2
        }
        return .ok
    }

    static func msetnx(_ c: CommandContext) throws(CommandError) -> RESPValue {
        guard c.args.count % 2 == 1 else { throw .wrongArity(c.command.name) }
        var i = 1
        while i < c.args.count {
            if c.store.record(c.key(i), now: c.now) != nil { return .integer(0) }
            i += 2
        }
        return try mset(c).isOK ? .integer(1) : .integer(0)
    }

    static func append(_ c: CommandContext) throws(CommandError) -> RESPValue {
        let extra = c.args[2]
        let len = try c.modifyString(c.key(1)) { (s: inout [UInt8]) throws(CommandError) -> Int in
            guard s.count + extra.count <= maxStringLength else { throw .stringTooLong }
            s.append(contentsOf: extra)
            return s.count
        }
        return .int(len)
    }

    static func strlen(_ c: CommandContext) throws(CommandError) -> RESPValue {
        .int(try c.string(c.key(1))?.count ?? 0)
    }

    static func getrange(_ c: CommandContext) throws(CommandError) -> RESPValue {
        var start = try Numbers.int(c.args[2]), end = try Numbers.int(c.args[3])
        let s = try c.string(c.key(1)) ?? []
        let n = Int64(s.count)
        if start < 0 && end < 0 && start > end { return .bulkString([]) }
        if start < 0 { start = n + start }
        if end < 0 { end = n + end }
        if start < 0 { start = 0 }
        if end < 0 { end = 0 }
        if end >= n { end = n - 1 }
        if n == 0 || start > end { return .bulkString([]) }
        return .bulkString(Array(s[Int(start)...Int(end)]))
    }

    static func setrange(_ c: CommandContext) throws(CommandError) -> RESPValue {
        let offset = try Numbers.int(c.args[2])
        guard offset >= 0 else { throw CommandError("ERR offset is out of range") }
        let value = c.args[3]
        let key = c.key(1)
        let existing = try c.string(key)
        if value.isEmpty { return .int(existing?.count ?? 0) }
        guard offset <= Int64(maxStringLength) - Int64(value.count) else { throw .stringTooLong }
        let len = try c.modifyString(key) { (s: inout [UInt8]) throws(CommandError) -> Int in
            let o = Int(offset)
            if s.count < o + value.count { s.append(contentsOf: repeatElement(0, count: o + value.count - s.count)) }
            s.replaceSubrange(o..<o + value.count, with: value)
            return s.count
        }
        return .int(len)
    }

    static func bitOffset(_ b: [UInt8]) throws(CommandError) -> Int {
        guard let v = Numbers.parseInt(b), v >= 0, v < Int64(maxStringLength) * 8 else {
            throw CommandError("ERR bit offset is not an integer or out of range")
        }
        return Int(v)
    }

    static func setbit(_ c: CommandContext) throws(CommandError) -> RESPValue {
        let offset = try bitOffset(c.args[2])
        let bitArg = c.args[3]
        guard bitArg.count == 1, bitArg[0] == 48 || bitArg[0] == 49 else {
            throw CommandError("ERR bit is not an integer or out of range")
        }
        let on = bitArg[0] == 49
        _ = try c.string(c.key(1))  // type check before creating
        let old = try c.modifyString(c.key(1)) { (s: inout [UInt8]) throws(CommandError) -> Int in
            let byte = offset >> 3
            if s.count <= byte { s.append(contentsOf: repeatElement(0, count: byte + 1 - s.count)) }
            let mask = UInt8(1 << (7 - (offset & 7)))
            let was = s[byte] & mask != 0
            if on { s[byte] |= mask } else { s[byte] &= ~mask }
            return was ? 1 : 0
        }
        return .int(old)
    }

    static func getbit(_ c: CommandContext) throws(CommandError) -> RESPValue {
        let offset = try bitOffset(c.args[2])
        guard let s = try c.string(c.key(1)) else { return .integer(0) }
        let byte = offset >> 3
        guard byte < s.count else { return .integer(0) }
        return .int(s[byte] & UInt8(1 << (7 - (offset & 7))) != 0)
    }

    // MARK: counters

    static func incrGeneric(_ c: CommandContext, _ by: Int64) throws(CommandError) -> RESPValue {
        let key = c.key(1)
        let current: Int64
        if let s = try c.string(key) {
            guard let v = Numbers.parseInt(s) else { throw .notInteger }
            current = v
        } else {
            current = 0
        }
        let (n, o) = current.addingReportingOverflow(by)
        if o { throw .overflow }
        c.store.setValue(key, .string(Numbers.bytes(n)), keepTTL: true)
        return .integer(n)
    }

    static func incr(_ c: CommandContext) throws(CommandError) -> RESPValue { try incrGeneric(c, 1) }
    static func decr(_ c: CommandContext) throws(CommandError) -> RESPValue { try incrGeneric(c, -1) }
    static func incrby(_ c: CommandContext) throws(CommandError) -> RESPValue {
        try incrGeneric(c, try Numbers.int(c.args[2]))
    }
    static func decrby(_ c: CommandContext) throws(CommandError) -> RESPValue {
        let v = try Numbers.int(c.args[2])
        if v == Int64.min { throw CommandError("ERR decrement would overflow") }
        return try incrGeneric(c, -v)
    }

    static func incrbyfloat(_ c: CommandContext) throws(CommandError) -> RESPValue {
        let key = c.key(1)
        let by = try Numbers.double(c.args[2])
        var current = 0.0
        if let s = try c.string(key) {
            guard let v = Numbers.parseDouble(s) else { throw .notFloat }
            current = v
        }
        let n = current + by
        if n.isNaN || n.isInfinite { throw CommandError("ERR increment would produce NaN or Infinity") }
        let text = Array(Numbers.formatDouble(n).utf8)
        c.store.setValue(key, .string(text), keepTTL: true)
        return .bulkString(text)
    }
}

extension RESPValue {
    var isOK: Bool { self == .ok }
}
