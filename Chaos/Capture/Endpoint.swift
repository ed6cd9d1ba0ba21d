// One side of a TCP connection: an IPv4 or IPv6 address and a port.

public struct Endpoint: Hashable, Sendable, Comparable, CustomStringConvertible {
    /// IPv6 address, or an IPv4 address in its IPv4-mapped form (::ffff:a.b.c.d).
    public var high: UInt64
    public var low: UInt64
    public var port: UInt16

    public init(high: UInt64, low: UInt64, port: UInt16) {
        self.high = high
        self.low = low
        self.port = port
    }

    public init(ipv4 a: UInt32, port: UInt16) {
        self.init(high: 0, low: 0xFFFF_0000_0000 | UInt64(a), port: port)
    }

    public var isIPv4: Bool { high == 0 && low >> 32 == 0xFFFF }

    public var address: String {
        if isIPv4 {
            let a = UInt32(truncatingIfNeeded: low)
            return "\(a >> 24).\(a >> 16 & 0xFF).\(a >> 8 & 0xFF).\(a & 0xFF)"
        }
        let groups = (0..<8).map { i -> String in
            let word = i < 4 ? high >> (48 - 16 * UInt64(i)) : low >> (48 - 16 * UInt64(i - 4))
            return String(word & 0xFFFF, radix: 16)
        }
        return groups.joined(separator: ":")
    }

    public var description: String { isIPv4 ? "\(address):\(port)" : "[\(address)]:\(port)" }

    public static func < (a: Endpoint, b: Endpoint) -> Bool {
        (a.high, a.low, a.port) < (b.high, b.low, b.port)
    }
}
