// Snapshot byte stream of the key-value state (version 3). A sequence of frames, each
// `uvarint length, payload`, so a writer emits and a reader consumes one record at a time
// and a big keyspace never needs one giant buffer. Payloads (lp = uvarint length + bytes;
// deadline = u8 0 | u8 1 + uvarint(bit pattern of Int64 ms)):
//
//   header   'K' 'V' 'S' 3, uvarint clock, uvarint number of key records      always first
//            (version 2, still read: the same with 2 — it never holds sets or sorted sets;
//             version 1, still read: 'K' 'V' 'S' 1, uvarint clock — no key count)
//   string   0x01 lp key, deadline, lp value
//   hash     0x02 lp key, deadline, uvarint n, n x (lp field, lp value)   fields in byte order
//   list     0x03 lp key, deadline, uvarint n, n x lp element              head first
//   set      0x05 lp key, deadline, uvarint n, n x lp member               members in byte order
//   zset     0x06 lp key, deadline, uvarint n, n x (lp member, u64 LE bit pattern of the
//            score)                                                    in score order
//   tree     0x04 lp path, uvarint n, n x (lp name, lp value)             parents before children
//   end      0xFF uvarint number of key and tree records                  always last
//
// Keys are written in byte order, so equal states give identical snapshot bytes. The key
// count lets a restore size its table once instead of rehashing as it grows (issue 4).

public enum SnapshotRecord: Equatable, Sendable {
    /// `keyCount` is nil in a version-1 snapshot (written so only for compatibility tests).
    case header(clock: Int64, keyCount: UInt64?)
    case key(ByteKey, Record)
    /// `path` is "" for the root, "/a/b" below it.
    case treeNode(path: [UInt8], attributes: [(ByteKey, [UInt8])])
    case end(recordCount: UInt64)

    public static func == (a: SnapshotRecord, b: SnapshotRecord) -> Bool {
        switch (a, b) {
        case (.header(let x, let m), .header(let y, let n)): x == y && m == n
        case (.key(let k1, let r1), .key(let k2, let r2)): k1 == k2 && r1 == r2
        case (.treeNode(let p1, let a1), .treeNode(let p2, let a2)):
            p1 == p2 && a1.map(\.0) == a2.map(\.0) && a1.map(\.1) == a2.map(\.1)
        case (.end(let x), .end(let y)): x == y
        default: false
        }
    }
}

public struct SnapshotError: Error, Equatable, Sendable, CustomStringConvertible {
    public var description: String
    init(_ d: String) { description = d }
}

enum SnapshotTag {
    /// 'K' 'V' 'S' then the version byte (1 or 2).
    static let magicPrefix: [UInt8] = [UInt8(ascii: "K"), UInt8(ascii: "V"), UInt8(ascii: "S")]
    static let string: UInt8 = 1, hash: UInt8 = 2, list: UInt8 = 3, tree: UInt8 = 4, set: UInt8 = 5, zset: UInt8 = 6
    static let end: UInt8 = 0xFF
    /// The version this code writes; it reads 1 through this.
    static let version: UInt8 = 3
}

extension SnapshotRecord {
    /// The framed bytes of this record (length prefix included).
    public func framed() -> [UInt8] {
        var out: [UInt8] = [], scratch: [UInt8] = []
        appendFramed(to: &out, scratch: &scratch)
        return out
    }

    /// Appends the framed bytes of this record to `out`. The payload is built in `scratch`
    /// first (its length prefixes it); a writer that keeps both buffers across records
    /// allocates nothing per record, which is what a snapshot of a million keys spends its
    /// time on otherwise.
    public func appendFramed(to out: inout [UInt8], scratch p: inout [UInt8]) {
        p.removeAll(keepingCapacity: true)
        func lp(_ b: [UInt8]) { Varint.append(UInt64(b.count), to: &p); p.append(contentsOf: b) }
        func deadline(_ d: Int64?) {
            if let d { p.append(1); Varint.append(UInt64(bitPattern: d), to: &p) } else { p.append(0) }
        }
        switch self {
        case .header(let clock, let keyCount):
            p.append(contentsOf: SnapshotTag.magicPrefix)
            p.append(keyCount == nil ? 1 : SnapshotTag.version)
            Varint.append(UInt64(bitPattern: clock), to: &p)
            if let keyCount { Varint.append(keyCount, to: &p) }
        case .key(let k, let r):
            switch r.value {
            case .string(let s):
                p.append(SnapshotTag.string); lp(k.bytes); deadline(r.expiresAt); lp(s)
            case .hash(let h):
                p.append(SnapshotTag.hash); lp(k.bytes); deadline(r.expiresAt)
                Varint.append(UInt64(h.count), to: &p)
                for (f, v) in h.sorted(by: { $0.key < $1.key }) { lp(f.bytes); lp(v) }
            case .list(let l):
                p.append(SnapshotTag.list); lp(k.bytes); deadline(r.expiresAt)
                Varint.append(UInt64(l.count), to: &p)
                for e in l { lp(e) }
            case .set(let members):
                p.append(SnapshotTag.set); lp(k.bytes); deadline(r.expiresAt)
                Varint.append(UInt64(members.count), to: &p)
                for m in members.sorted() { lp(m.bytes) }
            case .zset(let z):
                p.append(SnapshotTag.zset); lp(k.bytes); deadline(r.expiresAt)
                Varint.append(UInt64(z.count), to: &p)
                for (m, score) in z.all {
                    lp(m.bytes)
                    withUnsafeBytes(of: score.bitPattern.littleEndian) { p.append(contentsOf: $0) }
                }
            }
        case .treeNode(let path, let attrs):
            p.append(SnapshotTag.tree); lp(path)
            Varint.append(UInt64(attrs.count), to: &p)
            for (k, v) in attrs { lp(k.bytes); lp(v) }
        case .end(let n):
            p.append(SnapshotTag.end)
            Varint.append(n, to: &p)
        }
        Varint.append(UInt64(p.count), to: &out)
        out.append(contentsOf: p)
    }

    /// Decodes one frame's payload.
    static func decode(payload: [UInt8], first: Bool) throws(SnapshotError) -> SnapshotRecord {
        var r = ByteReader(payload)
        return try decode(&r, first: first)
    }

    /// Decodes the payload between `r.offset` and `r.end` (a frame inside a bigger buffer).
    static func decode(_ r: inout ByteReader, first: Bool) throws(SnapshotError) -> SnapshotRecord {
        func need<T>(_ v: T?) throws(SnapshotError) -> T {
            guard let v else { throw SnapshotError("truncated snapshot record") }
            return v
        }
        func deadline() throws(SnapshotError) -> Int64? {
            switch try need(r.byte()) {
            case 0: return nil
            case 1: return Int64(bitPattern: try need(r.varint()))
            default: throw SnapshotError("bad deadline flag in snapshot record")
            }
        }
        func count() throws(SnapshotError) -> Int {
            let n = try need(r.varint())
            guard n <= UInt64(r.remaining) else { throw SnapshotError("element count exceeds record size") }
            return Int(n)
        }
        if first {
            guard r.byte() == SnapshotTag.magicPrefix[0], r.byte() == SnapshotTag.magicPrefix[1],
                  r.byte() == SnapshotTag.magicPrefix[2], let version = r.byte(), version >= 1 && version <= SnapshotTag.version else {
                throw SnapshotError("not a key-value snapshot (bad magic or version)")
            }
            let clock = Int64(bitPattern: try need(r.varint()))
            let keyCount: UInt64? = if version >= 2 { try need(r.varint()) } else { nil }
            guard r.remaining == 0 else { throw SnapshotError("trailing bytes in snapshot header") }
            return .header(clock: clock, keyCount: keyCount)
        }
        let tag = try need(r.byte())
        let result: SnapshotRecord
        switch tag {
        case SnapshotTag.string:
            let k = try need(r.lengthPrefixed()), d = try deadline(), v = try need(r.lengthPrefixed())
            result = .key(ByteKey(k), Record(value: .string(v), expiresAt: d))
        case SnapshotTag.hash:
            let k = try need(r.lengthPrefixed()), d = try deadline(), n = try count()
            var h: [ByteKey: [UInt8]] = [:]
            h.reserveCapacity(n)
            for _ in 0..<n { h[ByteKey(try need(r.lengthPrefixed()))] = try need(r.lengthPrefixed()) }
            result = .key(ByteKey(k), Record(value: .hash(h), expiresAt: d))
        case SnapshotTag.list:
            let k = try need(r.lengthPrefixed()), d = try deadline(), n = try count()
            var l = ByteList()
            for _ in 0..<n { l.append(try need(r.lengthPrefixed())) }
            result = .key(ByteKey(k), Record(value: .list(l), expiresAt: d))
        case SnapshotTag.set:
            let k = try need(r.lengthPrefixed()), d = try deadline(), n = try count()
            var s = Set<ByteKey>(minimumCapacity: n)
            for _ in 0..<n { s.insert(ByteKey(try need(r.lengthPrefixed()))) }
            guard s.count == n else { throw SnapshotError("set member repeated in snapshot") }
            result = .key(ByteKey(k), Record(value: .set(s), expiresAt: d))
        case SnapshotTag.zset:
            let k = try need(r.lengthPrefixed()), d = try deadline(), n = try count()
            var z = SortedSet()
            for _ in 0..<n {
                let m = ByteKey(try need(r.lengthPrefixed()))
                var bits: UInt64 = 0
                for i in 0..<8 { bits |= UInt64(try need(r.byte())) << (8 * UInt64(i)) }
                let score = Double(bitPattern: bits)
                guard !score.isNaN else { throw SnapshotError("NaN score in snapshot") }
                guard z.set(m, score) else { throw SnapshotError("sorted set member repeated in snapshot") }
            }
            result = .key(ByteKey(k), Record(value: .zset(z), expiresAt: d))
        case SnapshotTag.tree:
            let path = try need(r.lengthPrefixed()), n = try count()
            var attrs: [(ByteKey, [UInt8])] = []
            for _ in 0..<n { attrs.append((ByteKey(try need(r.lengthPrefixed())), try need(r.lengthPrefixed()))) }
            result = .treeNode(path: path, attributes: attrs)
        case SnapshotTag.end:
            result = .end(recordCount: try need(r.varint()))
        default:
            throw SnapshotError("unknown snapshot record tag \(tag)")
        }
        guard r.remaining == 0 else { throw SnapshotError("trailing bytes in snapshot record") }
        return result
    }
}
