// SSCAN, HSCAN and ZSCAN's shared part: `key cursor [MATCH pattern] [COUNT count]`. As with
// SCAN, the cursor is a position in the stable hash space of the elements, so an element
// present for the whole iteration is returned exactly once, whatever changes meanwhile.

import RESP

struct ElementScan {
    var cursor: UInt64
    var count = 10
    var pattern: [UInt8]? = nil
    /// HSCAN's NOVALUES: fields only.
    var noValues = false

    static func parse(_ args: [[UInt8]], allowNoValues: Bool = false) throws(CommandError) -> ElementScan {
        guard let text = String(validating: args[2], as: UTF8.self), let cursor = UInt64(text) else {
            throw CommandError("ERR invalid cursor")
        }
        var s = ElementScan(cursor: cursor)
        var i = 3
        while i < args.count {
            if allowNoValues && args[i].isOption("novalues") {
                s.noValues = true
                i += 1
                continue
            }
            guard i + 1 < args.count else { throw .syntax }
            if args[i].isOption("count") {
                let n = try Numbers.int(args[i + 1])
                guard n >= 1 else { throw .syntax }
                s.count = Int(min(n, 1 << 20))
            } else if args[i].isOption("match") {
                s.pattern = args[i + 1]
            } else {
                throw .syntax
            }
            i += 2
        }
        return s
    }

    /// One page of `elements` (by their name bytes): the next cursor and the matching elements.
    func page<T>(_ elements: [T], name: (T) -> [UInt8]) -> (next: UInt64, found: [T]) {
        var index = elements.map { (hash: stableHash(name($0)), element: $0) }
        index.sort { $0.hash != $1.hash ? $0.hash < $1.hash : ByteKey(name($0.element)) < ByteKey(name($1.element)) }
        var lo = 0, hi = index.count
        while lo < hi {
            let mid = (lo + hi) / 2
            if index[mid].hash < cursor { lo = mid + 1 } else { hi = mid }
        }
        var end = min(lo + count, index.count)
        while end < index.count && end > lo && index[end].hash == index[end - 1].hash { end += 1 }
        let next: UInt64 = end < index.count ? index[end].hash : 0
        var found: [T] = []
        for j in lo..<end where pattern.map({ Glob.match($0, name(index[j].element)) }) ?? true {
            found.append(index[j].element)
        }
        return (next, found)
    }

    static func reply(_ next: UInt64, _ items: [RESPValue]) -> RESPValue {
        .array([.bulk(String(next)), .array(items)])
    }
}
