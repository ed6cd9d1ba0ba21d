// Minimal big-endian byte writer/reader for log entry payloads and state machine snapshots.
// Every read is bounds-checked: bad bytes throw.

struct PeerFrameError: Error, CustomStringConvertible {
    var description: String
    init(_ d: String) { description = d }
}

struct ByteWriter {
    var bytes: [UInt8] = []
    mutating func u8(_ v: UInt8) { bytes.append(v) }
    mutating func u32(_ v: UInt32) { for s in stride(from: 24, through: 0, by: -8) { bytes.append(UInt8(truncatingIfNeeded: v >> UInt32(s))) } }
    mutating func u64(_ v: UInt64) { for s in stride(from: 56, through: 0, by: -8) { bytes.append(UInt8(truncatingIfNeeded: v >> UInt64(s))) } }
    mutating func bool(_ v: Bool) { u8(v ? 1 : 0) }
    mutating func blob(_ b: [UInt8]) { u32(UInt32(b.count)); bytes.append(contentsOf: b) }
    mutating func string(_ s: String) { blob(Array(s.utf8)) }
}

struct ByteReader {
    let bytes: [UInt8]
    var at = 0
    init(_ bytes: [UInt8]) { self.bytes = bytes }
    var isAtEnd: Bool { at == bytes.count }
    mutating func u8() throws -> UInt8 {
        guard at < bytes.count else { throw PeerFrameError("truncated frame") }
        defer { at += 1 }
        return bytes[at]
    }
    mutating func u32() throws -> UInt32 {
        var v: UInt32 = 0
        for _ in 0..<4 { v = v << 8 | UInt32(try u8()) }
        return v
    }
    mutating func u64() throws -> UInt64 {
        var v: UInt64 = 0
        for _ in 0..<8 { v = v << 8 | UInt64(try u8()) }
        return v
    }
    mutating func bool() throws -> Bool {
        switch try u8() {
        case 0: return false
        case 1: return true
        case let b: throw PeerFrameError("bad boolean \(b)")
        }
    }
    mutating func blob(max: Int = 64 << 20) throws -> [UInt8] {
        let n = Int(try u32())
        guard n <= max, n <= bytes.count - at else { throw PeerFrameError("bad length \(n)") }
        defer { at += n }
        return Array(bytes[at..<at + n])
    }
    mutating func string() throws -> String { String(decoding: try blob(max: 1 << 16), as: UTF8.self) }
}
