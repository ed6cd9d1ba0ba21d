// DUMP and RESTORE, so keys can move between clusters (and between this node and tools that
// treat the payload as opaque). The payload is this project's own, not Redis's RDB encoding:
//
//   'R' 'K' 'V' u8 version (= 1)
//   one snapshot key record (SnapshotFormat.swift, current snapshot version), framed, with an
//   empty key name and no deadline: the value's type tag and contents
//   u64 little-endian FNV-1a 64 of every byte before it
//
// RESTORE key ttl payload [REPLACE] [ABSTTL] [IDLETIME s] [FREQ f]: a relative TTL becomes an
// absolute deadline on the leader (as EXPIRE's does); IDLETIME and FREQ are checked and ignored.

import RESP

enum DumpRestoreCommands {
    static func register(in r: inout CommandRegistry) {
        r.register("dump", kind: .read, arity: 2, handler: dump)
        r.register("restore", kind: .write, arity: -4, prepare: prepareRestore, handler: restore)
    }

    static let magic: [UInt8] = Array("RKV".utf8) + [1]

    static func payload(_ v: StoredValue) -> [UInt8] {
        var out = magic + SnapshotRecord.key(ByteKey([]), Record(value: v)).framed()
        withUnsafeBytes(of: stableHash(out).littleEndian) { out.append(contentsOf: $0) }
        return out
    }

    static let badPayload = CommandError("ERR DUMP payload version or checksum are wrong")

    static func decode(_ p: [UInt8]) throws(CommandError) -> StoredValue {
        guard p.count > magic.count + 8, p.starts(with: magic) else { throw badPayload }
        let body = Array(p.dropLast(8))
        var sum: UInt64 = 0
        for (i, b) in p.suffix(8).enumerated() { sum |= UInt64(b) << (8 * UInt64(i)) }
        guard stableHash(body) == sum else { throw badPayload }
        var reader = SnapshotReader()
        _ = try? reader.feed(SnapshotRecord.header(clock: 0, keyCount: nil).framed())
        guard let records = try? reader.feed(body.dropFirst(magic.count)), records.count == 1,
              case .key(let k, let r) = records[0], k.bytes.isEmpty, r.expiresAt == nil, !isEmptyCollection(r.value) else {
            throw CommandError("ERR Bad data format")
        }
        return r.value
    }

    /// Collections are never stored empty (they are deleted instead).
    static func isEmptyCollection(_ v: StoredValue) -> Bool {
        switch v {
        case .string: false
        case .hash(let h): h.isEmpty
        case .list(let l): l.isEmpty
        case .set(let s): s.isEmpty
        case .zset(let z): z.isEmpty
        }
    }

    static func dump(_ c: CommandContext) throws(CommandError) -> RESPValue {
        guard let v = c.store.value(c.key(1), now: c.now) else { return .nullBulk }
        return .bulkString(payload(v))
    }

    struct Options { var replace = false, absTTL = false }

    static func parse(_ a: [[UInt8]]) throws(CommandError) -> (ttl: Int64, Options) {
        guard let ttl = Numbers.parseInt(a[2]) else { throw .notInteger }
        guard ttl >= 0 else { throw CommandError("ERR Invalid TTL value, must be >= 0") }
        var o = Options()
        var idleSeen = false, freqSeen = false
        var i = 4
        while i < a.count {
            if a[i].isOption("replace") { o.replace = true }
            else if a[i].isOption("absttl") { o.absTTL = true }
            else if a[i].isOption("idletime") && i + 1 < a.count && !freqSeen {
                guard let v = Numbers.parseInt(a[i + 1]) else { throw .notInteger }
                guard v >= 0 else { throw CommandError("ERR Invalid IDLETIME value, must be >= 0") }
                idleSeen = true
                i += 1
            } else if a[i].isOption("freq") && i + 1 < a.count && !idleSeen {
                guard let v = Numbers.parseInt(a[i + 1]) else { throw .notInteger }
                guard v >= 0 && v <= 255 else { throw CommandError("ERR Invalid FREQ value, must be >= 0 and <= 255") }
                freqSeen = true
                i += 1
            } else {
                throw .syntax
            }
            i += 1
        }
        return (ttl, o)
    }

    /// A relative TTL becomes ABSTTL with the leader's deadline.
    static func prepareRestore(_ a: inout [[UInt8]], _ now: Int64) throws(CommandError) {
        let (ttl, o) = try parse(a)
        if ttl > 0 && !o.absTTL {
            let (d, overflow) = now.addingReportingOverflow(ttl)
            if overflow { throw CommandError("ERR Invalid TTL value, must be >= 0") }
            a[2] = Numbers.bytes(d)
            a.append(Array("ABSTTL".utf8))
        }
    }

    static func restore(_ c: CommandContext) throws(CommandError) -> RESPValue {
        let (ttl, o) = try parse(c.args)
        let key = c.key(1)
        if !o.replace && c.store.record(key, now: c.now) != nil {
            throw CommandError("BUSYKEY Target key name already exists.")
        }
        let value = try decode(c.args[3])
        let relative = c.now.addingReportingOverflow(ttl)
        let deadline: Int64? = ttl == 0 ? nil : o.absTTL ? ttl : relative.overflow ? Int64.max : relative.partialValue
        c.store.remove(key)
        // A deadline already past: Redis answers OK and stores nothing.
        if let d = deadline, d <= c.now { return .ok }
        c.store.setRecord(key, Record(value: value, expiresAt: deadline))
        return .ok
    }
}
