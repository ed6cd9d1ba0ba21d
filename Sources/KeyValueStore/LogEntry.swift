// The byte format of one replicated command in the Raft log (version 1):
//
//   u8      version (= 1)
//   uvarint leader timestamp, milliseconds since the Unix epoch
//   uvarint argc
//   argc x (uvarint length, bytes)   argv[0] is the command name
//
// Compact (a SET of short key and value costs ~4 bytes of framing) and self-delimiting.
// Decoding never traps: malformed bytes give `nil`.

public struct LogEntry: Equatable, Sendable {
    public static let version: UInt8 = 1

    public var timestamp: Int64
    public var args: [[UInt8]]

    public init(timestamp: Int64, args: [[UInt8]]) {
        self.timestamp = timestamp
        self.args = args
    }

    public func encoded() -> [UInt8] {
        // The exact size: the log keeps these bytes in memory until the next snapshot, so a
        // generous estimate would be paid once per entry (16-20 bytes of a SET's ~180).
        var size = 1 + Varint.length(UInt64(bitPattern: timestamp)) + Varint.length(UInt64(args.count))
        for a in args { size += Varint.length(UInt64(a.count)) + a.count }
        var out: [UInt8] = []
        out.reserveCapacity(size)
        out.append(Self.version)
        Varint.append(UInt64(bitPattern: timestamp), to: &out)
        Varint.append(UInt64(args.count), to: &out)
        for a in args {
            Varint.append(UInt64(a.count), to: &out)
            out.append(contentsOf: a)
        }
        return out
    }

    public static func decode(_ bytes: some Collection<UInt8>) -> LogEntry? {
        var r = ByteReader(Array(bytes))
        guard let v = r.byte(), v == version,
              let ts = r.varint(),
              let argc = r.varint(), argc <= UInt64(r.remaining) else { return nil }
        var args: [[UInt8]] = []
        args.reserveCapacity(Int(argc))
        for _ in 0..<argc {
            guard let a = r.lengthPrefixed() else { return nil }
            args.append(a)
        }
        guard r.remaining == 0 else { return nil }
        return LogEntry(timestamp: Int64(bitPattern: ts), args: args)
    }
}

enum Varint {
    /// Bytes `append` writes for `value`.
    @inline(__always) static func length(_ value: UInt64) -> Int {
        value == 0 ? 1 : (64 - value.leadingZeroBitCount + 6) / 7
    }

    @inline(__always) static func append(_ value: UInt64, to out: inout [UInt8]) {
        var v = value
        while v >= 0x80 {
            out.append(UInt8(truncatingIfNeeded: v) | 0x80)
            v >>= 7
        }
        out.append(UInt8(v))
    }
}

/// A bounds-checked cursor over bytes.
struct ByteReader {
    let bytes: [UInt8]
    var offset = 0
    /// Reads stop here: a reader over one frame of a bigger buffer, without copying the frame.
    var end: Int
    init(_ bytes: [UInt8]) { self.bytes = bytes; self.end = bytes.count }

    var remaining: Int { end - offset }

    mutating func byte() -> UInt8? {
        guard offset < end else { return nil }
        defer { offset += 1 }
        return bytes[offset]
    }

    mutating func varint() -> UInt64? {
        var v: UInt64 = 0
        var shift: UInt64 = 0
        while shift < 64 {
            guard let b = byte() else { return nil }
            v |= UInt64(b & 0x7f) << shift
            if b < 0x80 { return v }
            shift += 7
        }
        return nil
    }

    mutating func lengthPrefixed() -> [UInt8]? {
        guard let n = varint(), n <= UInt64(remaining) else { return nil }
        let out = Array(bytes[offset..<offset + Int(n)])
        offset += Int(n)
        return out
    }
}
