// One direction of a peer connection, from reassembled bytes to PeerWire frames. Frames are
// decoded by PeerWire's own streaming decoder; this adds what a capture needs and a live
// connection does not: the stream offset of every frame, and recovery. After undecodable bytes,
// a gap, or a start in the middle of the stream, it scans for the next position where a whole
// frame with the right magic, version and checksum decodes, and carries on from there.
import PeerWire

struct FrameStream {
    enum Output {
        /// A frame that starts at `offset` and is `length` bytes long; `checksum` is its CRC-32C
        /// trailer; `packet` (captured at `time`) delivered its last byte.
        case frame(Frame, offset: UInt64, length: Int, checksum: UInt32, packet: Int, time: Int64)
        /// Bytes at `offset` that PeerWire refused.
        case undecodable(WireError, offset: UInt64)
        /// `skipped` bytes before `offset` were passed over to find the next frame boundary.
        case resynchronised(offset: UInt64, skipped: UInt64)
        /// The stream ended inside a frame: `bytes` bytes from `offset` never completed.
        case incomplete(offset: UInt64, bytes: Int)
    }

    let maxFrameBody: Int
    private var decoder: FrameDecoder
    /// Bytes not yet consumed as frames; `buffer[start]` is at stream offset `offset`.
    private var buffer: [UInt8] = []
    private var start = 0
    private(set) var offset: UInt64 = 0
    /// False until a frame boundary is known (a mid-stream start, or after damage).
    private(set) var synchronised: Bool
    /// Offset where resynchronisation started skipping, for the report.
    private var skippingFrom: UInt64 = 0
    /// Which packet delivered the bytes up to each stream offset, oldest first (from `marksStart`).
    private var marks: [(end: UInt64, packet: Int, time: Int64)] = []
    private var marksStart = 0

    init(synchronised: Bool, maxFrameBody: Int = PeerWire.defaultMaxFrameBody) {
        self.maxFrameBody = maxFrameBody
        self.decoder = FrameDecoder(maxFrameBody: maxFrameBody)
        self.synchronised = synchronised
    }

    mutating func feed(_ bytes: ArraySlice<UInt8>, packet: Int, time: Int64, emit: (Output) -> Void) {
        if start > 0 && (start >= buffer.count || start > 1 << 16) {
            buffer.removeFirst(start)
            start = 0
        }
        buffer.append(contentsOf: bytes)
        marks.append((offset + UInt64(buffer.count - start), packet, time))
        if synchronised { decoder.feed(bytes) }
        pump(emit: emit)
    }

    /// Bytes were lost: whatever frame was in progress is gone.
    mutating func gap(_ bytes: UInt64) {
        offset += UInt64(buffer.count - start) + bytes
        buffer.removeAll(keepingCapacity: true)
        start = 0
        if synchronised { skippingFrom = offset }
        synchronised = false
    }

    /// The packet that delivered the byte just before stream offset `end`.
    private mutating func packet(endingAt end: UInt64) -> (Int, Int64) {
        while marksStart < marks.count - 1 && marks[marksStart].end < end { marksStart += 1 }
        if marksStart > 1024 {
            marks.removeFirst(marksStart)
            marksStart = 0
        }
        guard marksStart < marks.count else { return (0, 0) }
        return (marks[marksStart].packet, marks[marksStart].time)
    }

    /// The stream is over: report what never became a frame.
    mutating func finish(emit: (Output) -> Void) {
        var left = buffer.count - start
        guard left > 0 else { return }
        while synchronised, findFrame(from: start + 1) != nil {
            // The header we were waiting on was not a real one (its length ran past the end),
            // yet whole frames follow it: report it and decode them.
            emit(.undecodable(.truncated(field: "frame (its header's length runs past the end of the stream)"), offset: offset))
            skippingFrom = offset
            start += 1
            offset += 1
            synchronised = false
            pump(emit: emit)
            left = buffer.count - start
            guard left > 0 else { return }
        }
        if synchronised {
            emit(.incomplete(offset: offset, bytes: left))
        } else {
            emit(.resynchronised(offset: offset + UInt64(left), skipped: offset + UInt64(left) - skippingFrom))
        }
        offset += UInt64(left)
        buffer.removeAll()
        start = 0
    }

    private mutating func pump(emit: (Output) -> Void) {
        while true {
            if !synchronised {
                guard resynchronise(emit: emit) else { return }
            }
            do {
                guard let frame = try decoder.next() else { return }
                let length = frameLength(at: start)
                let end = start + length
                let checksum = UInt32(buffer[end - 4]) << 24 | UInt32(buffer[end - 3]) << 16 | UInt32(buffer[end - 2]) << 8 | UInt32(buffer[end - 1])
                let (packet, time) = packet(endingAt: offset + UInt64(length))
                emit(.frame(frame, offset: offset, length: length, checksum: checksum, packet: packet, time: time))
                start = end
                offset += UInt64(length)
            } catch {
                emit(.undecodable(error, offset: offset))
                // Skip the first byte of the bad frame and look for the next real boundary.
                skippingFrom = offset
                start += 1
                offset += 1
                synchronised = false
            }
        }
    }

    private func frameLength(at i: Int) -> Int {
        var body = 0
        for k in 4..<8 { body = body << 8 | Int(buffer[i + k]) }
        return PeerWire.headerSize + body + PeerWire.trailerSize
    }

    /// The first position at or after `from` where a whole valid frame lies in the buffer.
    private func findFrame(from: Int) -> Int? {
        let magic0 = UInt8(PeerWire.magic >> 8), magic1 = UInt8(PeerWire.magic & 0xFF)
        var i = from
        while i + PeerWire.headerSize <= buffer.count {
            if buffer[i] == magic0, buffer[i + 1] == magic1, buffer[i + 2] == PeerWire.version, Frame.Kind(rawValue: buffer[i + 3]) != nil {
                let length = frameLength(at: i)
                if i + length <= buffer.count, (try? FrameCodec.decode(Array(buffer[i..<(i + length)]), maxFrameBody: maxFrameBody)) != nil {
                    return i
                }
            }
            i += 1
        }
        return nil
    }

    /// Moves `start` to the next offset where a whole frame decodes and restarts the decoder
    /// there. False when more bytes are needed first. A plausible header whose frame is not all
    /// in yet is waited for, unless a complete valid frame turns up after it (a false magic must
    /// not stall the stream).
    private mutating func resynchronise(emit: (Output) -> Void) -> Bool {
        let magic0 = UInt8(PeerWire.magic >> 8), magic1 = UInt8(PeerWire.magic & 0xFF)
        var i = start
        var waitAt: Int? = nil
        while i + PeerWire.headerSize <= buffer.count {
            if buffer[i] == magic0, buffer[i + 1] == magic1, buffer[i + 2] == PeerWire.version,
               Frame.Kind(rawValue: buffer[i + 3]) != nil {
                let length = frameLength(at: i)
                if length - PeerWire.headerSize - PeerWire.trailerSize <= maxFrameBody {
                    if i + length > buffer.count {
                        if waitAt == nil { waitAt = i }
                    } else if (try? FrameCodec.decode(Array(buffer[i..<(i + length)]), maxFrameBody: maxFrameBody)) != nil {
                        let skipped = UInt64(i - start)
                        offset += skipped
                        start = i
                        emit(.resynchronised(offset: offset, skipped: offset - skippingFrom))
                        synchronised = true
                        decoder = FrameDecoder(maxFrameBody: maxFrameBody)
                        decoder.feed(buffer[start...])
                        return true
                    }
                }
            }
            i += 1
        }
        let stop = waitAt ?? i
        offset += UInt64(stop - start)
        start = stop
        return false
    }
}
