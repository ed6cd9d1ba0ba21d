// Lists, between keys and across several keys (non-blocking forms): LMOVE RPOPLPUSH LMPOP.

import RESP

enum ListMoveCommands {
    static func register(in r: inout CommandRegistry) {
        r.register("lmove", kind: .write, arity: 5, handler: lmove)
        r.register("rpoplpush", kind: .write, arity: 3, handler: rpoplpush)
        r.register("lmpop", kind: .write, arity: -4, handler: lmpop)
    }

    /// LEFT -> true, RIGHT -> false.
    static func side(_ b: [UInt8]) throws(CommandError) -> Bool {
        if b.isOption("left") { return true }
        if b.isOption("right") { return false }
        throw .syntax
    }

    static func move(_ c: CommandContext, _ src: ByteKey, _ dst: ByteKey, fromLeft: Bool, toLeft: Bool) throws(CommandError) -> RESPValue {
        guard try c.list(src) != nil else { return .nullBulk }
        _ = try c.list(dst)  // WRONGTYPE before anything moves
        let e = try c.modifyList(src, create: false) { (l: inout ByteList) throws(CommandError) -> [UInt8]? in
            fromLeft ? l.removeFirst() : l.removeLast()
        } ?? nil
        guard let e else { return .nullBulk }
        _ = try c.modifyList(dst, create: true) { (l: inout ByteList) throws(CommandError) in
            if toLeft { l.prepend(e) } else { l.append(e) }
        }
        return .bulkString(e)
    }

    static func lmove(_ c: CommandContext) throws(CommandError) -> RESPValue {
        let from = try side(c.args[3]), to = try side(c.args[4])
        return try move(c, c.key(1), c.key(2), fromLeft: from, toLeft: to)
    }

    static func rpoplpush(_ c: CommandContext) throws(CommandError) -> RESPValue {
        try move(c, c.key(1), c.key(2), fromLeft: false, toLeft: true)
    }

    /// LMPOP numkeys key [key ...] LEFT|RIGHT [COUNT count]: [key, [elements]] or a null array.
    static func lmpop(_ c: CommandContext) throws(CommandError) -> RESPValue {
        let n = try SetCommands.numkeys(c.args, at: 1)
        var j = 2 + n
        guard j < c.args.count else { throw .syntax }
        let left = try side(c.args[j])
        j += 1
        var count = 1
        if j < c.args.count {
            guard c.args[j].isOption("count"), j + 2 == c.args.count else { throw .syntax }
            guard let v = Numbers.parseInt(c.args[j + 1]), v > 0 else { throw CommandError("ERR count should be greater than 0") }
            count = Int(min(v, Int64(Int32.max)))
        }
        for i in 2..<(2 + n) {
            guard try c.list(c.key(i)) != nil else { continue }
            let popped = try c.modifyList(c.key(i), create: false) { (l: inout ByteList) throws(CommandError) -> [RESPValue] in
                var out: [RESPValue] = []
                while out.count < count, let e = left ? l.removeFirst() : l.removeLast() { out.append(.bulkString(e)) }
                return out
            } ?? []
            return .array([.bulkString(c.args[i]), .array(popped)])
        }
        return .array(nil)
    }
}
