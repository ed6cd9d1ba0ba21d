// Lists, in place and by position: LINSERT LPOS LPUSHX RPUSHX.

import RESP

enum ListEditCommands {
    static func register(in r: inout CommandRegistry) {
        r.register("linsert", kind: .write, arity: 5, handler: linsert)
        r.register("lpos", kind: .read, arity: -3, handler: lpos)
        r.register("lpushx", kind: .write, arity: -3, handler: pushx)
        r.register("rpushx", kind: .write, arity: -3, handler: pushx)
    }

    /// LINSERT key BEFORE|AFTER pivot element: the new length, -1 without the pivot, 0 without the key.
    static func linsert(_ c: CommandContext) throws(CommandError) -> RESPValue {
        let before: Bool
        if c.args[2].isOption("before") { before = true } else if c.args[2].isOption("after") { before = false } else { throw .syntax }
        let pivot = c.args[3], element = c.args[4]
        guard let l = try c.list(c.key(1)) else { return .integer(0) }
        guard let at = l.firstIndex(of: pivot) else { return .integer(-1) }
        let n = try c.modifyList(c.key(1), create: false) { (l: inout ByteList) throws(CommandError) -> Int in
            var all = Array(l)
            all.insert(element, at: before ? at : at + 1)
            l.replaceAll(with: all)
            return l.count
        }
        return .int(n ?? 0)
    }

    /// LPOS key element [RANK rank] [COUNT num] [MAXLEN len].
    static func lpos(_ c: CommandContext) throws(CommandError) -> RESPValue {
        var rank: Int64 = 1
        var count: Int64? = nil
        var maxlen: Int64 = 0
        var i = 3
        while i < c.args.count {
            guard i + 1 < c.args.count else { throw .syntax }
            let o = c.args[i], v = try Numbers.int(c.args[i + 1])
            if o.isOption("rank") {
                guard v != 0 else {
                    throw CommandError("ERR RANK can't be zero: use 1 to start from the first match, 2 from the second ... or use negative to start from the end of the list")
                }
                guard v != Int64.min else { throw CommandError("ERR value is out of range") }
                rank = v
            } else if o.isOption("count") {
                guard v >= 0 else { throw CommandError("ERR COUNT can't be negative") }
                count = v
            } else if o.isOption("maxlen") {
                guard v >= 0 else { throw CommandError("ERR MAXLEN can't be negative") }
                maxlen = v
            } else {
                throw .syntax
            }
            i += 2
        }
        let target = c.args[2]
        guard let l = try c.list(c.key(1)) else { return count == nil ? .nullBulk : .array([]) }
        let want = count.map { $0 == 0 ? Int.max : Int($0) } ?? 1
        var skip = Int(rank.magnitude) - 1
        var found: [RESPValue] = []
        let indices: AnySequence<Int> = rank > 0 ? AnySequence(l.indices) : AnySequence(l.indices.reversed())
        var scanned: Int64 = 0
        for idx in indices {
            if maxlen > 0 && scanned >= maxlen { break }
            scanned += 1
            guard l[idx] == target else { continue }
            if skip > 0 { skip -= 1; continue }
            found.append(.int(idx))
            if found.count >= want { break }
        }
        if count == nil { return found.first ?? .nullBulk }
        return .array(found)
    }

    /// LPUSHX / RPUSHX: push only onto an existing list.
    static func pushx(_ c: CommandContext) throws(CommandError) -> RESPValue {
        let left = c.command.name == "lpushx"
        let args = c.args
        let n = try c.modifyList(c.key(1), create: false) { (l: inout ByteList) throws(CommandError) -> Int in
            for i in 2..<args.count { if left { l.prepend(args[i]) } else { l.append(args[i]) } }
            return l.count
        }
        return .int(n ?? 0)
    }
}
