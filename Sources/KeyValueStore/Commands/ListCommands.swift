// Lists: LPUSH RPUSH LPOP RPOP LRANGE LINDEX LLEN LSET LREM LTRIM.

import RESP

enum ListCommands {
    static func register(in r: inout CommandRegistry) {
        r.register("lpush", kind: .write, arity: -3, handler: push)
        r.register("rpush", kind: .write, arity: -3, handler: push)
        r.register("lpop", kind: .write, arity: -2, handler: pop)
        r.register("rpop", kind: .write, arity: -2, handler: pop)
        r.register("lrange", kind: .read, arity: 4, handler: lrange)
        r.register("lindex", kind: .read, arity: 3, handler: lindex)
        r.register("llen", kind: .read, arity: 2, handler: llen)
        r.register("lset", kind: .write, arity: 4, handler: lset)
        r.register("lrem", kind: .write, arity: 4, handler: lrem)
        r.register("ltrim", kind: .write, arity: 4, handler: ltrim)
    }

    static func push(_ c: CommandContext) throws(CommandError) -> RESPValue {
        let left = c.command.name == "lpush"
        let args = c.args
        let n = try c.modifyList(c.key(1), create: true) { (l: inout ByteList) throws(CommandError) -> Int in
            for i in 2..<args.count {
                if left { l.prepend(args[i]) } else { l.append(args[i]) }
            }
            return l.count
        }
        return .int(n ?? 0)
    }

    static func pop(_ c: CommandContext) throws(CommandError) -> RESPValue {
        let left = c.command.name == "lpop"
        guard c.args.count <= 3 else { throw .wrongArity(c.command.name) }
        var count: Int? = nil
        if c.args.count == 3 {
            guard let n = Numbers.parseInt(c.args[2]), n >= 0 else { throw .mustBePositive }
            count = Int(min(n, Int64(Int32.max)))
        }
        guard try c.list(c.key(1)) != nil else { return count == nil ? .nullBulk : .array(nil) }
        if count == 0 { return .array([]) }
        let popped = try c.modifyList(c.key(1), create: false) { (l: inout ByteList) throws(CommandError) -> [[UInt8]] in
            var out: [[UInt8]] = []
            for _ in 0..<(count ?? 1) {
                guard let e = left ? l.removeFirst() : l.removeLast() else { break }
                out.append(e)
            }
            return out
        } ?? []
        if count == nil { return .bulkString(popped.first) }
        return .array(popped.map { .bulkString($0) })
    }

    /// Redis's index range normalization: negatives count from the end, then clamp.
    static func range(_ startArg: [UInt8], _ endArg: [UInt8], count n: Int) throws(CommandError) -> Range<Int>? {
        var start = try Numbers.int(startArg), end = try Numbers.int(endArg)
        let len = Int64(n)
        if start < 0 { start = len + start }
        if end < 0 { end = len + end }
        if start < 0 { start = 0 }
        if start > end || start >= len { return nil }
        if end >= len { end = len - 1 }
        return Int(start)..<Int(end) + 1
    }

    static func lrange(_ c: CommandContext) throws(CommandError) -> RESPValue {
        let l = try c.list(c.key(1))
        guard let r = try range(c.args[2], c.args[3], count: l?.count ?? 0), let l else {
            return .array([])
        }
        return .array(r.map { .bulkString(l[$0]) })
    }

    static func lindex(_ c: CommandContext) throws(CommandError) -> RESPValue {
        let idx = try Numbers.int(c.args[2])
        guard let l = try c.list(c.key(1)) else { return .nullBulk }
        let i = idx < 0 ? Int64(l.count) + idx : idx
        guard i >= 0 && i < Int64(l.count) else { return .nullBulk }
        return .bulkString(l[Int(i)])
    }

    static func llen(_ c: CommandContext) throws(CommandError) -> RESPValue {
        .int(try c.list(c.key(1))?.count ?? 0)
    }

    static func lset(_ c: CommandContext) throws(CommandError) -> RESPValue {
        let idx = try Numbers.int(c.args[2])
        let v = c.args[3]
        let done = try c.modifyList(c.key(1), create: false) { (l: inout ByteList) throws(CommandError) -> Bool in
            let i = idx < 0 ? Int64(l.count) + idx : idx
            guard i >= 0 && i < Int64(l.count) else { throw .indexOutOfRange }
            l[Int(i)] = v
            return true
        }
        guard done != nil else { throw .noSuchKey }
        return .ok
    }

    static func lrem(_ c: CommandContext) throws(CommandError) -> RESPValue {
        let count = try Numbers.int(c.args[2])
        let target = c.args[3]
        let removed = try c.modifyList(c.key(1), create: false) { (l: inout ByteList) throws(CommandError) -> Int in
            var limit = count == 0 ? Int.max : Int(min(count.magnitude, UInt64(Int.max)))
            var kept: [[UInt8]] = []
            kept.reserveCapacity(l.count)
            var removed = 0
            if count >= 0 {
                for e in l {
                    if limit > 0 && e == target { limit -= 1; removed += 1 } else { kept.append(e) }
                }
            } else {
                for e in l.reversed() {
                    if limit > 0 && e == target { limit -= 1; removed += 1 } else { kept.append(e) }
                }
                kept.reverse()
            }
            if removed > 0 { l.replaceAll(with: kept) }
            return removed
        }
        return .int(removed ?? 0)
    }

    static func ltrim(_ c: CommandContext) throws(CommandError) -> RESPValue {
        let s = c.args[2], e = c.args[3]
        _ = try Numbers.int(s); _ = try Numbers.int(e)
        _ = try c.modifyList(c.key(1), create: false) { (l: inout ByteList) throws(CommandError) -> Void in
            guard let r = try range(s, e, count: l.count) else { l = ByteList(); return }
            if r.count == l.count { return }
            l.replaceAll(with: r.map { l[$0] })
        }
        return .ok
    }
}
