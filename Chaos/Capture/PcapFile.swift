// The classic pcap file format (what libpcap's pcap_dump and tcpdump -w write), parsed directly:
// a 24-byte global header, then per packet a 16-byte record header and the captured bytes.
// Either byte order, microsecond or nanosecond timestamps. pcapng is refused with a hint.
import Foundation

public struct PcapPacket: Sendable {
    /// 1-based, as tcpdump and Wireshark number them.
    public var number: Int
    /// Nanoseconds since the Unix epoch.
    public var timestampNanos: Int64
    /// Where the captured bytes lie in `PcapFile.bytes`.
    public var range: Range<Int>
    /// The packet's length on the wire (more than `range.count` when the snap length cut it).
    public var originalLength: Int
}

public struct PcapFile: Sendable {
    public let bytes: [UInt8]
    public let linkType: UInt32
    public let nanosecondTimestamps: Bool
    let swapped: Bool

    public static let magicMicros: UInt32 = 0xA1B2_C3D4
    public static let magicNanos: UInt32 = 0xA1B2_3C4D

    public init(contentsOf path: String) throws(CaptureError) {
        guard let data = FileManager.default.contents(atPath: path) else {
            throw .unreadableFile(path: path, reason: FileManager.default.fileExists(atPath: path) ? "permission denied or unreadable" : "no such file")
        }
        try self.init(bytes: [UInt8](data))
    }

    public init(bytes: [UInt8]) throws(CaptureError) {
        guard bytes.count >= 24 else { throw .notPcap(reason: "\(bytes.count) bytes, shorter than the 24-byte pcap header") }
        let le = UInt32(bytes[0]) | UInt32(bytes[1]) << 8 | UInt32(bytes[2]) << 16 | UInt32(bytes[3]) << 24
        switch le {
        case Self.magicMicros: (swapped, nanosecondTimestamps) = (false, false)
        case Self.magicNanos: (swapped, nanosecondTimestamps) = (false, true)
        case Self.magicMicros.byteSwapped: (swapped, nanosecondTimestamps) = (true, false)
        case Self.magicNanos.byteSwapped: (swapped, nanosecondTimestamps) = (true, true)
        case 0x0A0D_0D0A:
            throw .notPcap(reason: "this is pcapng; convert it with `editcap -F pcap IN OUT` (or capture with tcpdump -w / raft-chaos capture)")
        default:
            throw .notPcap(reason: "unknown magic 0x\(String(le, radix: 16))")
        }
        self.bytes = bytes
        let rawLink = Self.u32(bytes, 20, swapped: swapped)
        // The upper bits carry FCS information; the link type is the low 16 bits.
        self.linkType = rawLink & 0xFFFF
        guard LinkLayer(linkType: linkType) != nil else { throw .unsupportedLinkType(linkType) }
    }

    @inline(__always) static func u32(_ b: [UInt8], _ at: Int, swapped: Bool) -> UInt32 {
        let v = UInt32(b[at]) | UInt32(b[at + 1]) << 8 | UInt32(b[at + 2]) << 16 | UInt32(b[at + 3]) << 24
        return swapped ? v.byteSwapped : v
    }

    /// Calls `body` for every complete packet record, in file order. Returns the number of bytes
    /// at the end that do not form a complete record (a capture cut off while being written).
    @discardableResult
    public func forEachPacket(_ body: (PcapPacket) -> Void) -> Int {
        var at = 24
        var number = 0
        while at + 16 <= bytes.count {
            let seconds = Int64(Self.u32(bytes, at, swapped: swapped))
            let fraction = Int64(Self.u32(bytes, at + 4, swapped: swapped))
            let included = Int(Self.u32(bytes, at + 8, swapped: swapped))
            let original = Int(Self.u32(bytes, at + 12, swapped: swapped))
            guard included <= bytes.count - at - 16 else { break }
            number += 1
            let nanos = seconds * 1_000_000_000 + (nanosecondTimestamps ? fraction : fraction * 1000)
            body(PcapPacket(number: number, timestampNanos: nanos, range: (at + 16)..<(at + 16 + included), originalLength: original))
            at += 16 + included
        }
        return bytes.count - at
    }
}
