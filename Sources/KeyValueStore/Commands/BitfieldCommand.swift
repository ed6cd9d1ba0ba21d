// BITFIELD key [GET enc off] [SET enc off value] [INCRBY enc off incr] [OVERFLOW WRAP|SAT|FAIL]
// and BITFIELD_RO (GET only). Encodings i1..i64 and u1..u63; an offset `#n` means n x width.
// Arithmetic is done in Int128 so that every overflow rule is a plain range check.

import RESP

enum BitfieldCommand {
    static func register(in r: inout CommandRegistry) {
        r.register("bitfield", kind: .write, arity: -2, handler: bitfield)
        r.register("bitfield_ro", kind: .read, arity: -2, handler: bitfield)
    }

    enum Overflow { case wrap, sat, fail }
    enum Op { case get, set(Int64), incrby(Int64) }

    struct Field {
        var signed: Bool
        var bits: Int
        var offset: Int
        var op: Op
        var overflow: Overflow
    }

    static func parseType(_ b: [UInt8]) throws(CommandError) -> (Bool, Int) {
        let err = CommandError("ERR Invalid bitfield type. Use something like i16 u8. Note that u64 is not supported but i64 is.")
        guard let first = b.first, first == UInt8(ascii: "i") || first == UInt8(ascii: "u") || first == UInt8(ascii: "I") || first == UInt8(ascii: "U"),
              let n = Numbers.parseInt(Array(b.dropFirst())) else { throw err }
        let signed = first | 0x20 == UInt8(ascii: "i")
        guard n >= 1, n <= (signed ? 64 : 63) else { throw err }
        return (signed, Int(n))
    }

    static func parseOffset(_ b: [UInt8], bits: Int) throws(CommandError) -> Int {
        let err = CommandError("ERR bit offset is not an integer or out of range")
        let multiply = b.first == UInt8(ascii: "#")
        guard let v = Numbers.parseInt(multiply ? Array(b.dropFirst()) : b), v >= 0 else { throw err }
        let (o, overflow) = v.multipliedReportingOverflow(by: multiply ? Int64(bits) : 1)
        guard !overflow, o + Int64(bits) <= Int64(maxStringLength) * 8 else { throw err }
        return Int(o)
    }

    static func parse(_ a: [[UInt8]], readOnly: Bool) throws(CommandError) -> [Field] {
        var fields: [Field] = []
        var overflow = Overflow.wrap
        var i = 2
        while i < a.count {
            let o = a[i]
            if o.isOption("overflow") && i + 1 < a.count && !readOnly {
                let v = a[i + 1]
                if v.isOption("wrap") { overflow = .wrap } else if v.isOption("sat") { overflow = .sat }
                else if v.isOption("fail") { overflow = .fail } else { throw CommandError("ERR Invalid OVERFLOW type specified") }
                i += 2
                continue
            }
            let get = o.isOption("get"), set = o.isOption("set"), incr = o.isOption("incrby")
            if readOnly && !get { throw CommandError("ERR BITFIELD_RO only supports the GET subcommand") }
            guard (get && i + 2 < a.count) || ((set || incr) && i + 3 < a.count) else { throw .syntax }
            let (signed, bits) = try parseType(a[i + 1])
            let offset = try parseOffset(a[i + 2], bits: bits)
            let op: Op = get ? .get : set ? .set(try Numbers.int(a[i + 3])) : .incrby(try Numbers.int(a[i + 3]))
            fields.append(Field(signed: signed, bits: bits, offset: offset, op: op, overflow: overflow))
            i += get ? 3 : 4
        }
        return fields
    }

    static func read(_ s: [UInt8], _ f: Field) -> Int128 {
        var v: UInt64 = 0
        for k in 0..<f.bits {
            let i = f.offset + k
            let byte = i >> 3
            let b: UInt64 = byte < s.count && s[byte] & UInt8(0x80 >> (i & 7)) != 0 ? 1 : 0
            v = (v << 1) | b
        }
        if f.signed && f.bits < 64 && v & (1 << (f.bits - 1)) != 0 { return Int128(v) - (Int128(1) << f.bits) }
        if f.signed && f.bits == 64 { return Int128(Int64(bitPattern: v)) }
        return Int128(v)
    }

    static func write(_ s: inout [UInt8], _ f: Field, _ value: Int128) {
        let bits = UInt64(truncatingIfNeeded: value)
        for k in 0..<f.bits {
            let i = f.offset + k
            let mask = UInt8(0x80 >> (i & 7))
            if bits >> UInt64(f.bits - 1 - k) & 1 == 1 { s[i >> 3] |= mask } else { s[i >> 3] &= ~mask }
        }
    }

    /// The value to store under `f`'s overflow rule, or nil when FAIL refuses it.
    static func fit(_ v: Int128, _ f: Field) -> Int128? {
        let lo: Int128 = f.signed ? -(Int128(1) << (f.bits - 1)) : 0
        let hi: Int128 = f.signed ? (Int128(1) << (f.bits - 1)) - 1 : (Int128(1) << f.bits) - 1
        if v >= lo && v <= hi { return v }
        switch f.overflow {
        case .fail: return nil
        case .sat: return v < lo ? lo : hi
        case .wrap:
            let span = Int128(1) << f.bits
            var w = v % span
            if w < 0 { w += span }
            if f.signed && w > hi { w -= span }
            return w
        }
    }

    static func bitfield(_ c: CommandContext) throws(CommandError) -> RESPValue {
        let fields = try parse(c.args, readOnly: c.command.name == "bitfield_ro")
        let writes = fields.contains { if case .get = $0.op { return false } else { return true } }
        guard writes else {
            let s = try c.string(c.key(1)) ?? []
            return .array(fields.map { .integer(Int64(read(s, $0))) })
        }
        _ = try c.string(c.key(1))  // type check before creating
        let need = fields.map { ($0.offset + $0.bits + 7) / 8 }.max() ?? 0
        return try c.modifyString(c.key(1)) { (s: inout [UInt8]) throws(CommandError) -> RESPValue in
            if s.count < need { s.append(contentsOf: repeatElement(0, count: need - s.count)) }
            var out: [RESPValue] = []
            for f in fields {
                let old = read(s, f)
                switch f.op {
                case .get:
                    out.append(.integer(Int64(old)))
                case .set(let v):
                    if let w = fit(Int128(v), f) { write(&s, f, w); out.append(.integer(Int64(old))) } else { out.append(.nullBulk) }
                case .incrby(let by):
                    if let w = fit(old + Int128(by), f) { write(&s, f, w); out.append(.integer(Int64(w))) } else { out.append(.nullBulk) }
                }
            }
            return .array(out)
        }
    }
}
