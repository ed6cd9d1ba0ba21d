// The record framing shared by WAL segments and snapshot files:
//   length u32 | CRC-32C(length bytes) u32 | CRC-32C(type + payload) u32 | type u8 | payload
// `length` counts type + payload. The length has its own checksum so that a damaged length is
// recognised as damage at once, and so that scanning for valid records after a bad one (to tell
// a torn tail from mid-log corruption) costs O(1) per candidate offset.
import PeerWire

enum RecordFraming {
    static let headerSize = 12
    /// Records larger than this are refused (an entry is bounded by the peer frame limit anyway).
    static let maxRecordLength = PeerWire.defaultMaxFrameBody + 4096

    static func append(type: UInt8, payload: [UInt8], to out: inout [UInt8]) {
        var w = WireWriter(capacity: headerSize + 1 + payload.count)
        let length = UInt32(1 + payload.count)
        w.u32(length)
        w.u32(CRC32C.checksum(Array(w.bytes[0..<4])))
        let crc = CRC32C.checksum(payload, continuing: CRC32C.checksum([type]))
        w.u32(crc)
        w.u8(type)
        out.append(contentsOf: w.bytes)
        out.append(contentsOf: payload)
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
