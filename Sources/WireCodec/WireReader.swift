// The strict counterpart of WireWriter: every read is bounds-checked and names the field it was
// reading, so a short or malformed body becomes a `WireError`, never a trap.

public struct WireReader {
    public let bytes: [UInt8]
    public private(set) var offset: Int
    public let end: Int

    public init(_ bytes: [UInt8], from start: Int = 0, to end: Int? = nil) {
        self.bytes = bytes
        self.offset = start
        self.end = min(end ?? bytes.count, bytes.count)
    }

    public var remaining: Int { end - offset }

    @inline(__always)
    mutating func need(_ n: Int, _ field: String) throws(WireError) {
        if n > end - offset { throw .truncated(field: field) }
    }

    public mutating func u8(_ field: String) throws(WireError) -> UInt8 {
        try need(1, field)
        defer { offset += 1 }
        return bytes[offset]
    }
    public mutating func bool(_ field: String) throws(WireError) -> Bool {
        let v = try u8(field)
        switch v {
        case 0: return false
        case 1: return true
        default: throw .invalidBool(field: field, value: v)
        }
    }
    public mutating func u16(_ field: String) throws(WireError) -> UInt16 {
        try need(2, field)
        defer { offset += 2 }
        return UInt16(bytes[offset]) << 8 | UInt16(bytes[offset + 1])
    }
    public mutating func u32(_ field: String) throws(WireError) -> UInt32 {
        try need(4, field)
        var v: UInt32 = 0
        for i in 0..<4 { v = v << 8 | UInt32(bytes[offset + i]) }
        offset += 4
        return v
    }
    public mutating func u64(_ field: String) throws(WireError) -> UInt64 {
        try need(8, field)
        var v: UInt64 = 0
        for i in 0..<8 { v = v << 8 | UInt64(bytes[offset + i]) }
        offset += 8
        return v
    }
    /// A u32 length then that many bytes; the length is checked against what remains before
    /// anything is allocated, so a lying length cannot make us allocate gigabytes.
    public mutating func blob(_ field: String) throws(WireError) -> [UInt8] {
        let n = Int(try u32(field))
        try need(n, field)
        defer { offset += n }
        return Array(bytes[offset..<offset + n])
    }
    public mutating func string(_ field: String) throws(WireError) -> String {
        let n = Int(try u32(field))
        try need(n, field)
        defer { offset += n }
        guard let s = String(validating: bytes[offset..<offset + n], as: UTF8.self) else {
            throw .invalidUTF8(field: field)
        }
        return s
    }
    /// A u32 element count, sanity-checked against the bytes left (each element takes at least
    /// `minElementSize` bytes), so a lying count cannot drive a huge reserveCapacity or loop.
    public mutating func count(_ field: String, minElementSize: Int) throws(WireError) -> Int {
        let n = Int(try u32(field))
        if n * max(minElementSize, 1) > remaining { throw .truncated(field: field) }
        return n
    }
    /// Throws if any bytes are left: trailing garbage is an error, not something to ignore.
    public func expectEnd() throws(WireError) {
        if offset != end { throw .trailingBytes(count: end - offset) }
    }
}
