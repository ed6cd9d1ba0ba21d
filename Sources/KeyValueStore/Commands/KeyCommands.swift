// Keys: DEL UNLINK EXISTS TOUCH TYPE KEYS SCAN DBSIZE RANDOMKEY RENAME RENAMENX COPY FLUSHDB FLUSHALL.

import RESP

enum KeyCommands {
    static func register(in r: inout CommandRegistry) {
        r.register("del", kind: .write, arity: -2, handler: del)
        r.register("unlink", kind: .write, arity: -2, handler: del)
        r.register("exists", kind: .read, arity: -2, handler: exists)
        // No access times are kept (they would differ per replica): TOUCH only counts.
        r.register("touch", kind: .read, arity: -2, handler: exists)
        r.register("type", kind: .read, arity: 2, handler: type)
        r.register("keys", kind: .read, arity: 2, handler: keys)
        r.register("scan", kind: .read, arity: -2, handler: scan)
        r.register("dbsize", kind: .read, arity: 1, handler: dbsize)
        r.register("randomkey", kind: .read, arity: 1, handler: randomkey)
        r.register("rename", kind: .write, arity: 3, handler: rename)
        r.register("renamenx", kind: .write, arity: 3, handler: renamenx)
        r.register("copy", kind: .write, arity: -3, handler: copy)
        r.register("flushdb", kind: .write, arity: -1, handler: flush)
        r.register("flushall", kind: .write, arity: -1, handler: flush)
    }

    static func del(_ c: CommandContext) throws(CommandError) -> RESPValue {
        var n = 0
        for i in 1..<c.args.count where c.store.record(c.key(i), now: c.now) != nil {
            c.store.remove(c.key(i))
            n += 1
        }
        return .int(n)
    }

    static func exists(_ c: CommandContext) throws(CommandError) -> RESPValue {
        var n = 0
        for i in 1..<c.args.count where c.store.record(c.key(i), now: c.now) != nil { n += 1 }
        return .int(n)
    }

    static func type(_ c: CommandContext) throws(CommandError) -> RESPValue {
        .simpleString(c.store.value(c.key(1), now: c.now)?.typeName ?? "none")
    }

    /// Sorted by key bytes, so every replica answers identically.
    static func keys(_ c: CommandContext) throws(CommandError) -> RESPValue {
        let pattern = c.args[1]
        let all = pattern == [UInt8(ascii: "*")]
        var out = c.store.liveKeys(now: c.now).filter { all || Glob.match(pattern, $0.bytes) }
        out.sort()
        return .array(out.map { .bulkString($0.bytes) })
    }

    /// SCAN cursor [MATCH pattern] [COUNT count] [TYPE type]. The cursor is a position in a
    /// stable hash space: every key present for the whole iteration is returned exactly once,
    /// whatever is added or removed meanwhile (keys with equal hashes are never split).
    static func scan(_ c: CommandContext) throws(CommandError) -> RESPValue {
        guard let text = String(validating: c.args[1], as: UTF8.self), let cursor = UInt64(text) else {
            throw CommandError("ERR invalid cursor")
        }
        var count = 10
        var pattern: [UInt8]? = nil
        var typeFilter: [UInt8]? = nil
        var i = 2
        while i < c.args.count {
            let o = c.args[i]
            guard i + 1 < c.args.count else { throw .syntax }
            if o.isOption("count") {
                let n = try Numbers.int(c.args[i + 1])
                guard n >= 1 else { throw .syntax }
                count = Int(min(n, 1 << 20))
            } else if o.isOption("match") {
                pattern = c.args[i + 1]
            } else if o.isOption("type") {
                typeFilter = c.args[i + 1].map { $0 >= 65 && $0 <= 90 ? $0 | 0x20 : $0 }
            } else {
                throw .syntax
            }
            i += 2
        }
        let index = c.store.sortedScanIndex()
        // First position whose hash >= cursor.
        var lo = 0, hi = index.count
        while lo < hi {
            let mid = (lo + hi) / 2
            if index[mid].hash < cursor { lo = mid + 1 } else { hi = mid }
        }
        var end = min(lo + count, index.count)
        while end < index.count && end > lo && index[end].hash == index[end - 1].hash { end += 1 }
        let next: UInt64 = end < index.count ? index[end].hash : 0
        var found: [RESPValue] = []
        for j in lo..<end {
            let k = index[j].key
            guard let r = c.store.record(k, now: c.now) else { continue }
            if let p = pattern, !Glob.match(p, k.bytes) { continue }
            if let t = typeFilter, Array(r.value.typeName.utf8) != t { continue }
            found.append(.bulkString(k.bytes))
        }
        return .array([.bulk(String(next)), .array(found)])
    }

    static func dbsize(_ c: CommandContext) throws(CommandError) -> RESPValue {
        .int(c.store.liveCount(now: c.now))
    }

    static func randomkey(_ c: CommandContext) throws(CommandError) -> RESPValue {
        for _ in 0..<16 {
            guard let (k, r) = c.store.records.randomElement() else { return .nullBulk }
            if KeyValueStore.isLive(r, now: c.now) { return .bulkString(k.bytes) }
        }
        guard let k = c.store.liveKeys(now: c.now).randomElement() else { return .nullBulk }
        return .bulkString(k.bytes)
    }

    static func renameGeneric(_ c: CommandContext, nx: Bool) throws(CommandError) -> RESPValue {
        let src = c.key(1), dst = c.key(2)
        guard let r = c.store.record(src, now: c.now) else { throw .noSuchKey }
        if src == dst { return nx ? .integer(0) : .ok }
        if nx && c.store.record(dst, now: c.now) != nil { return .integer(0) }
        c.store.remove(src)
        c.store.remove(dst)
        c.store.setRecord(dst, r)
        return nx ? .integer(1) : .ok
    }

    static func rename(_ c: CommandContext) throws(CommandError) -> RESPValue { try renameGeneric(c, nx: false) }
    static func renamenx(_ c: CommandContext) throws(CommandError) -> RESPValue { try renameGeneric(c, nx: true) }

    static func copy(_ c: CommandContext) throws(CommandError) -> RESPValue {
        var replace = false
        var i = 3
        while i < c.args.count {
            if c.args[i].isOption("replace") {
                replace = true
            } else if c.args[i].isOption("db") && i + 1 < c.args.count {
                let db = try Numbers.int(c.args[i + 1])
                guard db == 0 else { throw CommandError("ERR DB index is out of range") }
                i += 1
            } else {
                throw .syntax
            }
            i += 1
        }
        let src = c.key(1), dst = c.key(2)
        if src == dst { throw CommandError("ERR source and destination objects are the same") }
        guard let r = c.store.record(src, now: c.now) else { return .integer(0) }
        if c.store.record(dst, now: c.now) != nil {
            guard replace else { return .integer(0) }
            c.store.remove(dst)
        }
        c.store.setRecord(dst, r)
        return .integer(1)
    }

    static func flush(_ c: CommandContext) throws(CommandError) -> RESPValue {
        if c.args.count > 2 { throw .syntax }
        if c.args.count == 2 && !(c.args[1].isOption("async") || c.args[1].isOption("sync")) { throw .syntax }
        c.store.removeAll()
        return .ok
    }
}
