// From one captured packet to its TCP segment: the link-layer header (the link types loopback
// and Ethernet captures use), IPv4 or IPv6, then TCP. Anything else, or anything cut short, is
// skipped: a capture of the peer ports holds nothing else worth decoding.

/// How the IP packet is wrapped in a capture of the given DLT link type.
public enum LinkLayer: Sendable {
    case ethernet        // 1: 14-byte header (plus 802.1Q tags)
    case bsdLoopback     // 0: 4-byte address family in host order
    case openBSDLoopback // 108: 4-byte address family in network order
    case rawIP           // 101, 12, 14: the IP header first
    case linuxCooked     // 113: 16-byte SLL header
    case linuxCooked2    // 276: 20-byte SLL2 header

    public init?(linkType: UInt32) {
        switch linkType {
        case 1: self = .ethernet
        case 0: self = .bsdLoopback
        case 108: self = .openBSDLoopback
        case 101, 12, 14: self = .rawIP
        case 113: self = .linuxCooked
        case 276: self = .linuxCooked2
        default: return nil
        }
    }
}

public struct TCPSegment: Sendable {
    public var source: Endpoint
    public var destination: Endpoint
    public var sequence: UInt32
    public var syn: Bool
    public var fin: Bool
    public var rst: Bool
    /// The TCP payload's bytes in the capture file's buffer.
    public var payload: Range<Int>
}

public enum PacketParser {
    /// The TCP segment in `bytes[range]`, or nil when the packet is not (a whole header of) TCP.
    public static func tcpSegment(in bytes: [UInt8], _ range: Range<Int>, link: LinkLayer) -> TCPSegment? {
        var at = range.lowerBound
        let end = range.upperBound
        var ipVersion: UInt8? = nil
        switch link {
        case .ethernet:
            guard end - at >= 14 else { return nil }
            var type = UInt16(bytes[at + 12]) << 8 | UInt16(bytes[at + 13])
            at += 14
            while type == 0x8100 || type == 0x88A8 {  // VLAN tags
                guard end - at >= 4 else { return nil }
                type = UInt16(bytes[at + 2]) << 8 | UInt16(bytes[at + 3])
                at += 4
            }
            guard type == 0x0800 || type == 0x86DD else { return nil }
        case .bsdLoopback, .openBSDLoopback:
            guard end - at >= 4 else { return nil }
            at += 4
        case .rawIP:
            break
        case .linuxCooked:
            guard end - at >= 16 else { return nil }
            let type = UInt16(bytes[at + 14]) << 8 | UInt16(bytes[at + 15])
            guard type == 0x0800 || type == 0x86DD else { return nil }
            at += 16
        case .linuxCooked2:
            guard end - at >= 20 else { return nil }
            let type = UInt16(bytes[at]) << 8 | UInt16(bytes[at + 1])
            guard type == 0x0800 || type == 0x86DD else { return nil }
            at += 20
        }
        guard end - at >= 1 else { return nil }
        ipVersion = bytes[at] >> 4
        var source: (UInt64, UInt64) = (0, 0)
        var destination: (UInt64, UInt64) = (0, 0)
        var ipEnd = end
        switch ipVersion {
        case 4:
            guard end - at >= 20 else { return nil }
            let headerLength = Int(bytes[at] & 0x0F) * 4
            let totalLength = Int(bytes[at + 2]) << 8 | Int(bytes[at + 3])
            let fragment = (UInt16(bytes[at + 6]) << 8 | UInt16(bytes[at + 7])) & 0x3FFF
            guard headerLength >= 20, bytes[at + 9] == 6, fragment == 0, totalLength >= headerLength else { return nil }
            // Ethernet pads short frames: the IP total length says where the packet really ends.
            ipEnd = min(end, at + totalLength)
            guard ipEnd - at >= headerLength else { return nil }
            source = (0, 0xFFFF_0000_0000 | UInt64(be32(bytes, at + 12)))
            destination = (0, 0xFFFF_0000_0000 | UInt64(be32(bytes, at + 16)))
            at += headerLength
        case 6:
            guard end - at >= 40, bytes[at + 6] == 6 else { return nil }
            let payloadLength = Int(bytes[at + 4]) << 8 | Int(bytes[at + 5])
            ipEnd = min(end, at + 40 + payloadLength)
            source = (be64(bytes, at + 8), be64(bytes, at + 16))
            destination = (be64(bytes, at + 24), be64(bytes, at + 32))
            at += 40
        default:
            return nil
        }
        guard ipEnd - at >= 20 else { return nil }
        let sourcePort = UInt16(bytes[at]) << 8 | UInt16(bytes[at + 1])
        let destinationPort = UInt16(bytes[at + 2]) << 8 | UInt16(bytes[at + 3])
        let sequence = be32(bytes, at + 4)
        let dataOffset = Int(bytes[at + 12] >> 4) * 4
        let flags = bytes[at + 13]
        guard dataOffset >= 20, ipEnd - at >= dataOffset else { return nil }
        return TCPSegment(
            source: Endpoint(high: source.0, low: source.1, port: sourcePort),
            destination: Endpoint(high: destination.0, low: destination.1, port: destinationPort),
            sequence: sequence, syn: flags & 0x02 != 0, fin: flags & 0x01 != 0, rst: flags & 0x04 != 0,
            payload: (at + dataOffset)..<ipEnd)
    }

    @inline(__always) static func be32(_ b: [UInt8], _ at: Int) -> UInt32 {
        UInt32(b[at]) << 24 | UInt32(b[at + 1]) << 16 | UInt32(b[at + 2]) << 8 | UInt32(b[at + 3])
    }

    @inline(__always) static func be64(_ b: [UInt8], _ at: Int) -> UInt64 {
        UInt64(be32(b, at)) << 32 | UInt64(be32(b, at + 4))
    }
}
