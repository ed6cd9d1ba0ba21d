// Hashes, field by field: HINCRBYFLOAT HSTRLEN HRANDFIELD HSCAN.

import RESP

enum HashFieldCommands {
    static func register(in r: inout CommandRegistry) {
        r.register("hincrbyfloat", kind: .write, arity: 4, handler: hincrbyfloat)
        r.register("hstrlen", kind: .read, arity: 3, handler: hstrlen)
        r.register("hrandfield", kind: .read, arity: -2, handler: hrandfield)
        r.register("hscan", kind: .read, arity: -3, handler: hscan)
    }

    static func hincrbyfloat(_ c: CommandContext) throws(CommandError) -> RESPValue {
        let by = try Numbers.double(c.args[3])
        if by.isInfinite { throw CommandError("ERR value is NaN or Infinity") }
        let f = ByteKey(c.args[2])
        let text = try c.modifyHash(c.key(1), create: true) { (h: inout [ByteKey: [UInt8]]) throws(CommandError) -> [UInt8] in
            var cur = 0.0
            if let v = h[f] {
                guard let x = Numbers.parseDouble(v) else { throw CommandError("ERR hash value is not a float") }
                cur = x
            }
            let n = cur + by
            if n.isNaN || n.isInfinite { throw CommandError("ERR increment would produce NaN or Infinity") }
            let text = Array(Numbers.formatDouble(n).utf8)
            h[f] = text
            return text
        }
        return .bulkString(text ?? [])
    }

    static func hstrlen(_ c: CommandContext) throws(CommandError) -> RESPValue {
        .int(try c.hash(c.key(1))?[ByteKey(c.args[2])]?.count ?? 0)
    }

    /// HRANDFIELD key [count [WITHVALUES]]: a read, answered from this replica alone.
    static func hrandfield(_ c: CommandContext) throws(CommandError) -> RESPValue {
        guard c.args.count <= 4 else { throw .syntax }
        if c.args.count == 4 && !c.args[3].isOption("withvalues") { throw .syntax }
        let values = c.args.count == 4
        var count: Int64? = nil
        if c.args.count >= 3 {
            let n = try Numbers.int(c.args[2])
            guard n.magnitude <= 1 << 24 else { throw CommandError("ERR value is out of range") }
            count = n
        }
        guard let h = try c.hash(c.key(1)) else { return count == nil ? .nullBulk : .array([]) }
        let fields = Array(h)
        guard let count else { return .bulkString(fields.randomElement()!.key.bytes) }
        let picked = count < 0 ? (0..<Int(-count)).map { _ in fields.randomElement()! } : Array(fields.shuffled().prefix(Int(count)))
        var out: [RESPValue] = []
        for (k, v) in picked {
            out.append(.bulkString(k.bytes))
            if values { out.append(.bulkString(v)) }
        }
        return .array(out)
    }

    static func hscan(_ c: CommandContext) throws(CommandError) -> RESPValue {
        let scan = try ElementScan.parse(c.args, allowNoValues: true)
        let fields = Array(try c.hash(c.key(1)) ?? [:])
        let (next, found) = scan.page(fields) { $0.key.bytes }
        var items: [RESPValue] = []
        for (k, v) in found {
            items.append(.bulkString(k.bytes))
            if !scan.noValues { items.append(.bulkString(v)) }
        }
        return ElementScan.reply(next, items)
    }
}
