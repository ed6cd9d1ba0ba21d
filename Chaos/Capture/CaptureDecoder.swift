// A pcap file (or its bytes) to a `DecodedCapture`: packet → TCP segment → reassembled stream →
// PeerWire frames. Keeps going past anything it cannot decode, and says where it was.
import PeerWire

public struct CaptureDecoder {
    /// Only segments to or from these ports are decoded (empty: every TCP segment).
    public var ports: Set<UInt16>
    public var maxFrameBody: Int

    public init(ports: Set<UInt16> = [], maxFrameBody: Int = PeerWire.defaultMaxFrameBody) {
        self.ports = ports
        self.maxFrameBody = maxFrameBody
    }

    public func decode(path: String) throws(CaptureError) -> DecodedCapture {
        decode(try PcapFile(contentsOf: path))
    }

    public func decode(_ file: PcapFile) -> DecodedCapture {
        var out = DecodedCapture()
        let link = LinkLayer(linkType: file.linkType)!
        var reassembler = TCPReassembler()
        var frameStreams: [Int: FrameStream] = [:]
        var lastPacket = 0
        var lastTime: Int64 = 0
        let bytes = file.bytes

        func handle(_ event: TCPReassembler.Event) {
            switch event {
            case .opened(let stream, let connection, let source, let destination, let midStream, let packet, _):
                out.streams.append(StreamInfo(id: stream, connection: connection, source: source, destination: destination, midStream: midStream, firstPacket: packet))
                frameStreams[stream] = FrameStream(synchronised: !midStream, maxFrameBody: maxFrameBody)
            case .data(let stream, let range, let packet, let time):
                out.streams[stream].bytes += UInt64(range.count)
                frameStreams[stream]!.feed(bytes[range], packet: packet, time: time) { output($0, stream: stream, packet: packet, time: time) }
            case .gap(let stream, let n, let packet, let time):
                let at = frameStreams[stream]!.offset
                frameStreams[stream]!.gap(n)
                problem(.gap(bytes: n), stream: stream, packet: packet, time: time, offset: at)
            case .closed(let stream, let packet, let time):
                frameStreams[stream]!.finish { output($0, stream: stream, packet: packet, time: time) }
                frameStreams[stream] = nil
            }
        }

        func problem(_ kind: StreamProblem.Kind, stream: Int, packet: Int, time: Int64, offset: UInt64) {
            let s = out.streams[stream]
            out.problems.append(StreamProblem(stream: stream, source: s.source, destination: s.destination, packet: packet, time: time, offset: offset, kind: kind))
        }

        func output(_ o: FrameStream.Output, stream: Int, packet: Int, time: Int64) {
            switch o {
            case .frame(let frame, let offset, let length, let checksum, let packet, let time):
                let s = out.streams[stream]
                if case .handshake(let h) = frame, out.streams[stream].sender == nil { out.streams[stream].sender = h.sender }
                out.streams[stream].frames += 1
                out.frames.append(CapturedFrame(
                    index: out.frames.count, packet: packet, time: time, stream: stream, connection: s.connection,
                    source: s.source, destination: s.destination, offset: offset, length: length, checksum: checksum, frame: frame))
            case .undecodable(let error, let offset):
                problem(.undecodable(error), stream: stream, packet: packet, time: time, offset: offset)
            case .resynchronised(let offset, let skipped):
                problem(.resynchronised(skipped: skipped), stream: stream, packet: packet, time: time, offset: offset)
            case .incomplete(let offset, let n):
                problem(.incomplete(bytes: n), stream: stream, packet: packet, time: time, offset: offset)
            }
        }

        out.truncatedFileBytes = file.forEachPacket { p in
            out.packets += 1
            if out.packets == 1 { out.startTime = p.timestampNanos }
            lastPacket = p.number
            lastTime = p.timestampNanos
            guard let segment = PacketParser.tcpSegment(in: bytes, p.range, link: link) else { return }
            if !ports.isEmpty && !ports.contains(segment.source.port) && !ports.contains(segment.destination.port) { return }
            out.tcpSegments += 1
            reassembler.add(segment, packet: p.number, time: p.timestampNanos, emit: handle)
        }
        reassembler.finish(packet: lastPacket, time: lastTime, emit: handle)
        out.retransmittedSegments = reassembler.retransmittedSegments
        out.frames = Self.inWireOrder(out.frames, streams: out.streams.count)
        return out
    }

    /// The frames in the order their last bytes reached the wire. A stream that lost bytes to
    /// the capture (the kernel drops packets under load) holds what follows the gap until it
    /// gives up waiting or the stream ends, so its later frames are emitted after other streams'
    /// newer ones; left so, an audit reading them in that order saw "a term went backwards" on a
    /// correct node. Within a stream the stream's own order is kept (a running maximum of packet
    /// numbers, so a segment that arrived out of order never swaps two frames).
    static func inWireOrder(_ frames: [CapturedFrame], streams: Int) -> [CapturedFrame] {
        // Stream ids are 0..<streams: an array, not a dictionary, on this once-per-frame path.
        var latest = [Int](repeating: 0, count: streams)
        var keys: [Int] = []
        keys.reserveCapacity(frames.count)
        var ordered = true
        for f in frames {
            let key = max(latest[f.stream], f.packet)
            latest[f.stream] = key
            if let last = keys.last, key < last { ordered = false }
            keys.append(key)
        }
        if ordered { return frames }
        let order = frames.indices.sorted { keys[$0] != keys[$1] ? keys[$0] < keys[$1] : $0 < $1 }
        return order.enumerated().map { position, i in
            var f = frames[i]
            f.index = position
            return f
        }
    }
}
