// Frame layout (docs/peer-protocol.md):
//   magic u16 "RF" | version u8 | type u8 | body length u32 | body | CRC-32C u32
// The checksum covers the header and the body, so a flipped bit anywhere is caught.
import RaftCore

public enum FrameCodec {
    /// The complete bytes of one frame.
    public static func encode(_ frame: Frame) -> [UInt8] {
        var w = WireWriter(capacity: 64)
        encode(frame, into: &w)
        return w.bytes
    }

    /// Appends one frame to `w` (batching several frames into one socket write is the caller's choice).
    public static func encode(_ frame: Frame, into w: inout WireWriter) {
        let start = w.bytes.count
        w.u16(PeerWire.magic)
        w.u8(PeerWire.version)
        w.u8(frame.kind.rawValue)
        w.u32(0)  // patched below, once the body length is known
        let bodyStart = w.bytes.count
        encodeBody(frame, into: &w)
        w.patchU32(UInt32(w.bytes.count - bodyStart), at: start + 4)
        let crc = w.bytes.withUnsafeBytes { CRC32C.checksum(UnsafeRawBufferPointer(rebasing: $0[start...])) }
        w.u32(crc)
    }

    static func encodeBody(_ frame: Frame, into w: inout WireWriter) {
        switch frame {
        case .handshake(let h):
            w.nodeID(h.sender)
            w.string(h.clusterID)
            w.blob(h.nonce)
            w.blob(h.mac)
        case .message(let m):
            w.message(m)
        case .snapshotChunk(let c):
            w.u64(c.snapshotIndex.rawValue)
            w.u64(c.snapshotTerm.rawValue)
            w.u64(c.offset)
            if let total = c.totalSize {
                w.u8(1)
                w.u64(total)
            } else {
                w.u8(0)
            }
            w.bool(c.last)
            w.blob(c.bytes)
        case .forwardRequest(let r):
            w.u64(r.requestID)
            w.u8(r.kind.rawValue)
            w.u32(UInt32(r.args.count))
            for a in r.args { w.blob(a) }
        case .forwardResponse(let r):
            w.u64(r.requestID)
            w.blob(r.reply)
        }
    }

    /// Decodes the body of a frame whose header and checksum were already verified. Strict: the
    /// body must be consumed exactly.
    static func decodeBody(kind rawKind: UInt8, _ r: inout WireReader) throws(WireError) -> Frame {
        guard let kind = Frame.Kind(rawValue: rawKind) else { throw .unknownTag(field: "frame.type", value: rawKind) }
        let frame: Frame
        switch kind {
        case .handshake:
            let sender = try r.nodeID("handshake.sender")
            let cluster = try r.string("handshake.clusterID")
            let nonce = try r.blob("handshake.nonce")
            let mac = try r.blob("handshake.mac")
            frame = .handshake(Handshake(sender: sender, clusterID: cluster, nonce: nonce, mac: mac))
        case .message:
            frame = .message(try r.message())
        case .snapshotChunk:
            let index = LogIndex(try r.u64("snapshotChunk.snapshotIndex"))
            let term = Term(try r.u64("snapshotChunk.snapshotTerm"))
            let offset = try r.u64("snapshotChunk.offset")
            let hasTotal = try r.bool("snapshotChunk.totalSize present")
            let total = hasTotal ? try r.u64("snapshotChunk.totalSize") : nil
            let last = try r.bool("snapshotChunk.last")
            let bytes = try r.blob("snapshotChunk.bytes")
            if bytes.count > PeerWire.maxSnapshotChunk {
                throw .invalidValue(field: "snapshotChunk.bytes", reason: "\(bytes.count) bytes exceed the chunk limit \(PeerWire.maxSnapshotChunk)")
            }
            frame = .snapshotChunk(SnapshotChunk(snapshotIndex: index, snapshotTerm: term, offset: offset, totalSize: total, last: last, bytes: bytes))
        case .forwardRequest:
            let id = try r.u64("forwardRequest.requestID")
            let rawKind = try r.u8("forwardRequest.kind")
            guard let fk = ForwardKind(rawValue: rawKind) else { throw .unknownTag(field: "forwardRequest.kind", value: rawKind) }
            let n = try r.count("forwardRequest.args", minElementSize: 4)
            var args: [[UInt8]] = []
            args.reserveCapacity(n)
            for _ in 0..<n { args.append(try r.blob("forwardRequest.arg")) }
            frame = .forwardRequest(ForwardRequest(requestID: id, kind: fk, args: args))
        case .forwardResponse:
            let id = try r.u64("forwardResponse.requestID")
            frame = .forwardResponse(ForwardResponse(requestID: id, reply: try r.blob("forwardResponse.reply")))
        }
        try r.expectEnd()
        return frame
    }

    /// Decodes exactly one complete frame; any bytes after it are an error.
    public static func decode(_ bytes: [UInt8], maxFrameBody: Int = PeerWire.defaultMaxFrameBody) throws(WireError) -> Frame {
        var d = FrameDecoder(maxFrameBody: maxFrameBody)
        d.feed(bytes)
        guard let frame = try d.next() else { throw .truncated(field: "frame") }
        if d.bufferedByteCount > 0 { throw .trailingBytes(count: d.bufferedByteCount) }
        return frame
    }
}
