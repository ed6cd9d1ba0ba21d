// Hashes: HSET HMSET HSETNX HGET HDEL HGETALL HLEN HEXISTS HKEYS HVALS HMGET HINCRBY.
// Field order in replies is byte order of the fields, identical on every replica.

import RESP

enum HashCommands {
    static func register(in r: inout CommandRegistry) {
        r.register("hset", kind: .write, arity: -4, handler: hset)
        r.register("hmset", kind: .write, arity: -4, handler: hset)
        r.register("hsetnx", kind: .write, arity: 4, handler: hsetnx)
        r.register("hget", kind: .read, arity: 3, handler: hget)
        r.register("hdel", kind: .write, arity: -3, handler: hdel)
        r.register("hgetall", kind: .read, arity: 2, handler: hgetall)
        r.register("hlen", kind: .read, arity: 2, handler: hlen)
        r.register("hexists", kind: .read, arity: 3, handler: hexists)
        r.register("hkeys", kind: .read, arity: 2, handler: hkeys)
        r.register("hvals", kind: .read, arity: 2, handler: hvals)
        r.register("hmget", kind: .read, arity: -3, handler: hmget)
        r.register("hincrby", kind: .write, arity: 4, handler: hincrby)
    }

    static func hset(_ c: CommandContext) throws(CommandError) -> RESPValue {
        guard c.args.count % 2 == 0 else { throw .wrongArity(c.command.name) }
        let args = c.args
        let added = try c.modifyHash(c.key(1), create: true) { (h: inout [ByteKey: [UInt8]]) throws(CommandError) -> Int in
            var n = 0
            var i = 2
            while i < args.count {
                if h.updateValue(args[i + 1], forKey: ByteKey(args[i])) == nil { n += 1 }
                i += 2
            }
            return n
        }
        return c.command.name == "hmset" ? .ok : .int(added ?? 0)
    }

    static func hsetnx(_ c: CommandContext) throws(CommandError) -> RESPValue {
        let f = ByteKey(c.args[2]), v = c.args[3]
        let set = try c.modifyHash(c.key(1), create: true) { (h: inout [ByteKey: [UInt8]]) throws(CommandError) -> Bool in
            if h[f] != nil { return false }
            h[f] = v
            return true
        }
        return .int(set ?? false)
    }

    static func hget(_ c: CommandContext) throws(CommandError) -> RESPValue {
        .bulkString(try c.hash(c.key(1))?[ByteKey(c.args[2])])
    }

    static func hdel(_ c: CommandContext) throws(CommandError) -> RESPValue {
        let args = c.args
        let n = try c.modifyHash(c.key(1), create: false) { (h: inout [ByteKey: [UInt8]]) throws(CommandError) -> Int in
            var n = 0
            for i in 2..<args.count where h.removeValue(forKey: ByteKey(args[i])) != nil { n += 1 }
            return n
        }
        return .int(n ?? 0)
    }

    static func sorted(_ h: [ByteKey: [UInt8]]) -> [(key: ByteKey, value: [UInt8])] {
        h.sorted { $0.key < $1.key }
    }

    static func hgetall(_ c: CommandContext) throws(CommandError) -> RESPValue {
        let h = try c.hash(c.key(1)) ?? [:]
        return .map(sorted(h).map { RESPValue.Pair(.bulkString($0.key.bytes), .bulkString($0.value)) })
    }

    static func hlen(_ c: CommandContext) throws(CommandError) -> RESPValue {
        .int(try c.hash(c.key(1))?.count ?? 0)
    }

    static func hexists(_ c: CommandContext) throws(CommandError) -> RESPValue {
        .int(try c.hash(c.key(1))?[ByteKey(c.args[2])] != nil)
    }

    static func hkeys(_ c: CommandContext) throws(CommandError) -> RESPValue {
        .array(sorted(try c.hash(c.key(1)) ?? [:]).map { .bulkString($0.key.bytes) })
    }

    static func hvals(_ c: CommandContext) throws(CommandError) -> RESPValue {
        .array(sorted(try c.hash(c.key(1)) ?? [:]).map { .bulkString($0.value) })
    }

    static func hmget(_ c: CommandContext) throws(CommandError) -> RESPValue {
        let h = try c.hash(c.key(1))
        return .array((2..<c.args.count).map { .bulkString(h?[ByteKey(c.args[$0])]) })
    }

    static func hincrby(_ c: CommandContext) throws(CommandError) -> RESPValue {
        let by = try Numbers.int(c.args[3])
        let f = ByteKey(c.args[2])
        let n = try c.modifyHash(c.key(1), create: true) { (h: inout [ByteKey: [UInt8]]) throws(CommandError) -> Int64 in
            var cur: Int64 = 0
            if let v = h[f] {
                guard let x = Numbers.parseInt(v) else { throw CommandError("ERR hash value is not an integer") }
                cur = x
            }
            let (s, o) = cur.addingReportingOverflow(by)
            if o { throw .overflow }
            h[f] = Numbers.bytes(s)
            return s
        }
        return .integer(n ?? 0)
    }
}
