// What a capture holds once decoded: every PeerWire frame with where and when it was seen,
// every stream, and every place where bytes could not be decoded.
import PeerWire
import RaftCore

public struct CapturedFrame: Sendable {
    /// Position among all decoded frames (0-based), in capture order.
    public var index: Int
    /// The pcap packet that completed the frame (1-based, as tcpdump and Wireshark number them).
    public var packet: Int
    /// When that packet was captured, nanoseconds since the Unix epoch.
    public var time: Int64
    public var stream: Int
    public var connection: Int
    public var source: Endpoint
    public var destination: Endpoint
    /// Offset of the frame's first byte in its stream.
    public var offset: UInt64
    public var length: Int
    /// The frame's CRC-32C trailer: with the length, identifies the same bytes seen twice (the
    /// two legs of a relayed message).
    public var checksum: UInt32
    public var frame: Frame

    public var message: Message? {
        if case .message(let m) = frame { return m }
        return nil
    }
}

/// One direction of one TCP connection.
public struct StreamInfo: Sendable {
    public var id: Int
    public var connection: Int
    public var source: Endpoint
    public var destination: Endpoint
    /// The capture began after the connection did: the first bytes were skipped to a frame boundary.
    public var midStream: Bool
    public var firstPacket: Int
    /// The node id in this direction's handshake, if one was captured.
    public var sender: NodeID?
    public var frames = 0
    public var bytes: UInt64 = 0
}

public struct StreamProblem: Sendable, CustomStringConvertible {
    public enum Kind: Sendable {
        case undecodable(WireError)
        case gap(bytes: UInt64)
        case resynchronised(skipped: UInt64)
        case incomplete(bytes: Int)
    }
    public var stream: Int
    public var source: Endpoint
    public var destination: Endpoint
    public var packet: Int
    public var time: Int64
    public var offset: UInt64
    public var kind: Kind

    /// A damaged or foreign stream, as opposed to the normal edges of a capture (a start in the
    /// middle of a connection, a capture stopped inside a frame).
    public var isDamage: Bool {
        switch kind {
        case .undecodable, .gap: return true
        case .resynchronised, .incomplete: return false
        }
    }

    public var description: String {
        let at = "stream \(stream) (\(source) -> \(destination)) offset \(offset), packet \(packet)"
        switch kind {
        case .undecodable(let e): return "\(at): undecodable: \(e)"
        case .gap(let n): return "\(at): \(n) bytes missing from the capture"
        case .resynchronised(let n): return "\(at): resynchronised on a frame boundary after skipping \(n) bytes"
        case .incomplete(let n): return "\(at): stream ends inside a frame (\(n) bytes)"
        }
    }
}

public struct DecodedCapture: Sendable {
    public var packets = 0
    public var tcpSegments = 0
    public var frames: [CapturedFrame] = []
    public var streams: [StreamInfo] = []
    public var problems: [StreamProblem] = []
    public var retransmittedSegments = 0
    /// Bytes at the end of the file that were not a whole packet record.
    public var truncatedFileBytes = 0
    /// The first packet's time, the origin of relative times in the timeline.
    public var startTime: Int64 = 0

    public var messageCount: Int { frames.reduce(0) { $0 + ($1.message == nil ? 0 : 1) } }
}
