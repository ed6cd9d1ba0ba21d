// The record framing shared by WAL segments and snapshot files:
//   length u32 | CRC-32C(length bytes) u32 | CRC-32C(type + payload) u32 | type u8 | payload
// `length` counts type + payload. The length has its own checksum so that a damaged length is
// recognised as damage at once, and so that scanning for valid records after a bad one (to tell
// a torn tail from mid-log corruption) costs O(1) per candidate offset.
import WireCodec

enum RecordFraming {
    static let headerSize = 12
    /// Records larger than this are refused (an entry is bounded by the peer frame limit anyway).
    static let maxRecordLength = WireLimits.maxBody + 4096

    static func append(type: UInt8, payload: [UInt8], to out: inout [UInt8]) {
        append(type: type, to: &out) { $0.bytes.append(contentsOf: payload) }
    }

    /// Encodes a record straight into `out` (no intermediate buffer: this is the hot path of
    /// every append), then patches its length and checksums.
    static func append(type: UInt8, to out: inout [UInt8], payload: (inout WireWriter) -> Void) {
        var w = WireWriter(capacity: 0)
        swap(&w.bytes, &out)
        let start = w.bytes.count
        w.u32(0)
        w.u32(0)
        w.u32(0)
        w.u8(type)
        payload(&w)
        let end = w.bytes.count
        w.patchU32(UInt32(end - start - headerSize), at: start)
        // Checksums first, patches after: mutating the array inside withUnsafeBytes would
        // force a copy of the whole buffer on every record.
        let (lengthCRC, dataCRC) = w.bytes.withUnsafeBytes { b in
            (CRC32C.checksum(UnsafeRawBufferPointer(rebasing: b[start..<start + 4])),
             CRC32C.checksum(UnsafeRawBufferPointer(rebasing: b[start + headerSize..<end])))
        }
        w.patchU32(lengthCRC, at: start + 4)
        w.patchU32(dataCRC, at: start + 8)
        swap(&w.bytes, &out)
    }

    enum HeaderCheck: Equatable {
        /// Fewer than `headerSize` bytes remain.
        case short
        /// The length's checksum fails, or the length is 0 or above the maximum.
        case badHeader
        /// Type + payload length, and the expected data checksum.
        case ok(length: Int, crc: UInt32)
    }

    static func u32(_ b: UnsafeRawBufferPointer, _ at: Int) -> UInt32 {
        UInt32(b[at]) << 24 | UInt32(b[at + 1]) << 16 | UInt32(b[at + 2]) << 8 | UInt32(b[at + 3])
    }

    static func checkHeader(_ b: UnsafeRawBufferPointer, at offset: Int) -> HeaderCheck {
        guard b.count - offset >= headerSize else { return .short }
        let length = u32(b, offset)
        let lengthCRC = u32(b, offset + 4)
        guard CRC32C.checksum(UnsafeRawBufferPointer(rebasing: b[offset..<offset + 4])) == lengthCRC,
              length >= 1, Int(length) <= maxRecordLength
        else { return .badHeader }
        return .ok(length: Int(length), crc: u32(b, offset + 8))
    }

    /// Whether a complete, valid record starts at `offset`.
    static func validRecord(_ b: UnsafeRawBufferPointer, at offset: Int) -> Bool {
        guard case .ok(let length, let crc) = checkHeader(b, at: offset) else { return false }
        let start = offset + headerSize
        guard b.count - start >= length else { return false }
        return CRC32C.checksum(UnsafeRawBufferPointer(rebasing: b[start..<start + length])) == crc
    }
}
