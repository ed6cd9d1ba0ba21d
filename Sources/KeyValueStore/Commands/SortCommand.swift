// SORT and SORT_RO key [BY pattern] [LIMIT offset count] [GET pattern ...] [ASC|DESC] [ALPHA]
// [STORE destination] over lists, sets and sorted sets. Patterns substitute the element for the
// first '*'; `key->field` reads a hash field; GET # is the element itself; a BY pattern without
// '*' skips sorting. Equal weights fall back to the elements' byte order (as Redis does), so
// every replica answers the same. SORT is a write (STORE writes); SORT_RO is its read form.

import RESP

enum SortCommand {
    static func register(in r: inout CommandRegistry) {
        r.register("sort", kind: .write, arity: -2, handler: sort)
        r.register("sort_ro", kind: .read, arity: -2, handler: sort)
    }

    struct Options {
        var by: [UInt8]? = nil
        var gets: [[UInt8]] = []
        var offset = 0, count = -1
        var desc = false, alpha = false
        var store: ByteKey? = nil
    }

    static func parse(_ a: [[UInt8]], readOnly: Bool) throws(CommandError) -> Options {
        var o = Options()
        var i = 2
        while i < a.count {
            let left = a.count - i - 1
            let x = a[i]
            if x.isOption("asc") { o.desc = false }
            else if x.isOption("desc") { o.desc = true }
            else if x.isOption("alpha") { o.alpha = true }
            else if x.isOption("limit") && left >= 2 {
                o.offset = Int(try Numbers.int(a[i + 1]))
                o.count = Int(try Numbers.int(a[i + 2]))
                i += 2
            } else if x.isOption("store") && left >= 1 && !readOnly {
                o.store = ByteKey(a[i + 1]); i += 1
            } else if x.isOption("by") && left >= 1 {
                o.by = a[i + 1]; i += 1
            } else if x.isOption("get") && left >= 1 {
                o.gets.append(a[i + 1]); i += 1
            } else {
                throw .syntax
            }
            i += 1
        }
        return o
    }

    /// The value a pattern names for `element`: a string key, or `key->field` of a hash.
    static func lookup(_ c: CommandContext, _ pattern: [UInt8], _ element: [UInt8]) -> [UInt8]? {
        if pattern == [UInt8(ascii: "#")] { return element }
        guard let star = pattern.firstIndex(of: UInt8(ascii: "*")) else { return nil }
        var keyEnd = pattern.count
        var field: [UInt8]? = nil
        var j = star + 1
        while j + 2 < pattern.count {  // "->" followed by a field name
            if pattern[j] == UInt8(ascii: "-") && pattern[j + 1] == UInt8(ascii: ">") {
                keyEnd = j
                field = Array(pattern[(j + 2)...])
                break
            }
            j += 1
        }
        let key = ByteKey(Array(pattern[..<star]) + element + Array(pattern[(star + 1)..<keyEnd]))
        switch c.store.value(key, now: c.now) {
        case .string(let s)? where field == nil: return s
        case .hash(let h)?: return field.flatMap { h[ByteKey($0)] }
        default: return nil
        }
    }

    static func sort(_ c: CommandContext) throws(CommandError) -> RESPValue {
        let o = try parse(c.args, readOnly: c.command.name == "sort_ro")
        var elements: [[UInt8]]
        switch c.store.value(c.key(1), now: c.now) {
        case nil: elements = []
        case .list(let l)?: elements = Array(l)
        case .set(let s)?: elements = s.sorted().map(\.bytes)
        case .zset(let z)?: elements = z.all.map(\.member.bytes)
        default: throw .wrongType
        }
        let dontSort = o.by.map { !$0.contains(UInt8(ascii: "*")) } ?? false
        if !dontSort {
            let weights = elements.map { e in o.by.map { lookup(c, $0, e) } ?? e }
            var keyed = Array(zip(elements, weights))
            if o.alpha {
                keyed.sort { a, b in
                    let (x, y) = (a.1.map(ByteKey.init), b.1.map(ByteKey.init))
                    if x != y { return x == nil || (y != nil && x! < y!) }
                    return ByteKey(a.0) < ByteKey(b.0)
                }
            } else {
                var scored: [([UInt8], Double)] = []
                for (e, w) in keyed {
                    guard let w else { scored.append((e, 0)); continue }
                    guard let d = Numbers.parseDouble(w) else {
                        throw CommandError("ERR One or more scores can't be converted into double")
                    }
                    scored.append((e, d))
                }
                scored.sort { $0.1 != $1.1 ? $0.1 < $1.1 : ByteKey($0.0) < ByteKey($1.0) }
                keyed = scored.map { ($0.0, nil) }
            }
            elements = keyed.map(\.0)
            if o.desc { elements.reverse() }
        }
        let start = max(0, o.offset)
        let end = o.count < 0 ? elements.count : min(elements.count, start + o.count)
        let page = start < end ? Array(elements[start..<end]) : []
        var out: [[UInt8]?] = []
        if o.gets.isEmpty { out = page } else {
            for e in page { for g in o.gets { out.append(lookup(c, g, e)) } }
        }
        if let dst = o.store {
            var l = ByteList()
            for v in out { l.append(v ?? []) }
            c.storeResult(dst, .list(l), empty: l.isEmpty)
            return .int(l.count)
        }
        return .array(out.map { .bulkString($0) })
    }
}
