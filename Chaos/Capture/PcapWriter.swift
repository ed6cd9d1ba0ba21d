// Writes a classic pcap file of Ethernet/IPv4/TCP packets, the form libpcap gives on `lo`.
// For synthetic captures: the decoder's tests (reordering, loss, damage) and its speed
// measurement on millions of frames. Checksums are left zero: no reader here checks them.
import Foundation

public struct PcapWriter {
    public private(set) var bytes: [UInt8] = []

    public init(snapLength: UInt32 = 262_144) {
        u32(PcapFile.magicNanos)
        u16(2); u16(4)  // version 2.4
        u32(0); u32(0)  // thiszone, sigfigs
        u32(snapLength)
        u32(1)  // DLT_EN10MB
    }

    /// One TCP segment from `source` to `destination` (both IPv4) at `time` ns since the epoch.
    public mutating func tcp(time: Int64, source: Endpoint, destination: Endpoint, sequence: UInt32,
                             syn: Bool = false, fin: Bool = false, rst: Bool = false, payload: ArraySlice<UInt8> = []) {
        let ipLength = 20 + 20 + payload.count
        let length = 14 + ipLength
        u32(UInt32(time / 1_000_000_000))
        u32(UInt32(time % 1_000_000_000))
        u32(UInt32(length)); u32(UInt32(length))
        bytes += [0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0x08, 0x00]  // Ethernet: zero MACs, IPv4
        bytes += [0x45, 0]
        be16(UInt16(ipLength))
        bytes += [0, 0, 0x40, 0, 64, 6, 0, 0]  // id, don't fragment, TTL, TCP, checksum
        be32(UInt32(truncatingIfNeeded: source.low))
        be32(UInt32(truncatingIfNeeded: destination.low))
        be16(source.port); be16(destination.port)
        be32(sequence)
        be32(0)  // ack
        var flags: UInt8 = 0x10  // ACK
        if syn { flags |= 0x02 }
        if fin { flags |= 0x01 }
        if rst { flags |= 0x04 }
        if payload.count > 0 { flags |= 0x08 }  // PSH
        bytes += [0x50, flags, 0xFF, 0xFF, 0, 0, 0, 0]  // data offset 5, flags, window, checksum, urgent
        bytes += payload
    }

    public func write(to path: String) throws(CaptureError) {
        guard FileManager.default.createFile(atPath: path, contents: Data(bytes)) else {
            throw .unreadableFile(path: path, reason: "cannot create the file")
        }
    }

    private mutating func u16(_ v: UInt16) { bytes += [UInt8(v & 0xFF), UInt8(v >> 8)] }
    private mutating func u32(_ v: UInt32) { for i in 0..<4 { bytes.append(UInt8(truncatingIfNeeded: v >> (8 * UInt32(i)))) } }
    private mutating func be16(_ v: UInt16) { bytes += [UInt8(v >> 8), UInt8(v & 0xFF)] }
    private mutating func be32(_ v: UInt32) { for i in (0..<4).reversed() { bytes.append(UInt8(truncatingIfNeeded: v >> (8 * UInt32(i)))) } }
}
