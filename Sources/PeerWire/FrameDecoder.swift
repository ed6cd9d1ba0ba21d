// A streaming decoder: feed it whatever the socket (or a reassembled TCP stream in a pcap) hands
// over, in chunks of any size, and pull complete frames out. It checks each header as soon as
// its 8 bytes are in, so an oversized or foreign frame is rejected before its body is buffered.

public struct FrameDecoder {
    public let maxFrameBody: Int
    private var buffer: [UInt8] = []
    /// Start of the first unconsumed byte in `buffer`.
    private var start = 0
    /// Once a stream has produced an error it stays broken: the framing is lost, and the node
    /// disconnects the peer. Every later `next()` rethrows the first error.
    public private(set) var failure: WireError?

    public init(maxFrameBody: Int = PeerWire.defaultMaxFrameBody) {
        self.maxFrameBody = maxFrameBody
    }

    /// Bytes received but not yet returned as a frame.
    public var bufferedByteCount: Int { buffer.count - start }

    public mutating func feed<C: Collection>(_ bytes: C) where C.Element == UInt8 {
        // Reclaim consumed space lazily, so feeding many small chunks stays linear.
        if start > 0 && (start >= buffer.count || start > 65536) {
            buffer.removeFirst(start)
            start = 0
        }
        buffer.append(contentsOf: bytes)
    }

    /// The next complete frame, nil if more bytes are needed, or the error that broke the stream.
    public mutating func next() throws(WireError) -> Frame? {
        if let failure { throw failure }
        do {
            return try decodeNext()
        } catch {
            failure = error
            throw error
        }
    }

    private mutating func decodeNext() throws(WireError) -> Frame? {
        let available = buffer.count - start
        // Check what we have of the header byte by byte, so garbage fails fast.
        if available >= 2 {
            let magic = UInt16(buffer[start]) << 8 | UInt16(buffer[start + 1])
            if magic != PeerWire.magic { throw .badMagic(magic) }
        }
        if available >= 3 && buffer[start + 2] != PeerWire.version {
            throw .unsupportedVersion(buffer[start + 2])
        }
        guard available >= PeerWire.headerSize else { return nil }
        let kind = buffer[start + 3]
        var length = 0
        for i in 4..<8 { length = length << 8 | Int(buffer[start + i]) }
        if length > maxFrameBody { throw .frameTooLarge(length: length, max: maxFrameBody) }
        let total = PeerWire.headerSize + length + PeerWire.trailerSize
        guard available >= total else { return nil }

        let bodyEnd = start + PeerWire.headerSize + length
        var expected: UInt32 = 0
        for i in 0..<4 { expected = expected << 8 | UInt32(buffer[bodyEnd + i]) }
        let actual = buffer.withUnsafeBytes { CRC32C.checksum(UnsafeRawBufferPointer(rebasing: $0[start..<bodyEnd])) }
        if expected != actual { throw .badChecksum(expected: expected, actual: actual) }

        var reader = WireReader(buffer, from: start + PeerWire.headerSize, to: bodyEnd)
        let frame = try FrameCodec.decodeBody(kind: kind, &reader)
        start += total
        return frame
    }
}
