// Frame layout (docs/peer-protocol.md):
//   magic u16 "RF" | version u8 | type u8 | body length u32 | body | CRC-32C u32
// The checksum covers the header and the body, so a flipped bit anywhere is caught.
import RaftCore

public enum FrameCodec {
    /// The complete bytes of one frame.
    public static func encode(_ frame: Frame) -> [UInt8] {
        var w = WireWriter(capacity: sizeHint(frame))
        encode(frame, into: &w)
        return w.bytes
    }

    /// Roughly the encoded size, so the writer's buffer is allocated once rather than grown by
    /// doubling (an AppendEntries of a pipeline's writes would otherwise reallocate 5 or 6 times).
    static func sizeHint(_ frame: Frame) -> Int {
        let overhead = 128
        switch frame {
        case .message(let m):
            guard case .appendEntries(let b) = m.body else { return overhead }
            return b.entries.reduce(overhead) { $0 + 21 + $1.data.count }
        case .snapshotChunk(let c): return overhead + c.bytes.count
        case .forwardRequest(let r): return overhead + r.args.reduce(0) { $0 + 4 + $1.count }
        case .forwardResponse(let r): return overhead + r.reply.count
        case .forwardRequests(let rs): return rs.reduce(overhead) { t, r in r.args.reduce(t + 13) { $0 + 4 + $1.count } }
        case .forwardResponses(let rs): return rs.reduce(overhead) { $0 + 12 + $1.reply.count }
        case .handshake, .snapshotResume: return overhead
        }
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
        case .snapshotResume(let r):
            w.u64(r.snapshotIndex.rawValue)
            w.u64(r.snapshotTerm.rawValue)
            w.u64(r.offset)
        case .forwardRequest(let r):
            encodeForwardRequest(r, into: &w)
        case .forwardResponse(let r):
            encodeForwardResponse(r, into: &w)
        case .forwardRequests(let rs):
            w.u32(UInt32(rs.count))
            for r in rs { encodeForwardRequest(r, into: &w) }
        case .forwardResponses(let rs):
            w.u32(UInt32(rs.count))
            for r in rs { encodeForwardResponse(r, into: &w) }
        }
    }

    private static func encodeForwardRequest(_ r: ForwardRequest, into w: inout WireWriter) {
        w.u64(r.requestID)
        w.u8(r.kind.rawValue)
        w.u32(UInt32(r.args.count))
        for a in r.args { w.blob(a) }
    }

    private static func encodeForwardResponse(_ r: ForwardResponse, into w: inout WireWriter) {
        w.u64(r.requestID)
        w.blob(r.reply)
    }

    private static func decodeForwardRequest(_ r: inout WireReader) throws(WireError) -> ForwardRequest {
        let id = try r.u64("forwardRequest.requestID")
        let rawKind = try r.u8("forwardRequest.kind")
        guard let fk = ForwardKind(rawValue: rawKind) else { throw .unknownTag(field: "forwardRequest.kind", value: rawKind) }
        let n = try r.count("forwardRequest.args", minElementSize: 4)
        var args: [[UInt8]] = []
        args.reserveCapacity(n)
        for _ in 0..<n { args.append(try r.blob("forwardRequest.arg")) }
        return ForwardRequest(requestID: id, kind: fk, args: args)
    }

    private static func decodeForwardResponse(_ r: inout WireReader) throws(WireError) -> ForwardResponse {
        let id = try r.u64("forwardResponse.requestID")
        return ForwardResponse(requestID: id, reply: try r.blob("forwardResponse.reply"))
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
        case .snapshotResume:
            let index = LogIndex(try r.u64("snapshotResume.snapshotIndex"))
            let term = Term(try r.u64("snapshotResume.snapshotTerm"))
            frame = .snapshotResume(SnapshotResume(snapshotIndex: index, snapshotTerm: term, offset: try r.u64("snapshotResume.offset")))
        case .forwardRequest:
            frame = .forwardRequest(try decodeForwardRequest(&r))
        case .forwardResponse:
            frame = .forwardResponse(try decodeForwardResponse(&r))
        case .forwardRequestBatch:
            // Smallest element: requestID u64 + kind u8 + args count u32.
            let n = try r.count("forwardRequests", minElementSize: 13)
            var rs: [ForwardRequest] = []
            rs.reserveCapacity(n)
            for _ in 0..<n { rs.append(try decodeForwardRequest(&r)) }
            frame = .forwardRequests(rs)
        case .forwardResponseBatch:
            // Smallest element: requestID u64 + reply length u32.
            let n = try r.count("forwardResponses", minElementSize: 12)
            var rs: [ForwardResponse] = []
            rs.reserveCapacity(n)
            for _ in 0..<n { rs.append(try decodeForwardResponse(&r)) }
            frame = .forwardResponses(rs)
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
