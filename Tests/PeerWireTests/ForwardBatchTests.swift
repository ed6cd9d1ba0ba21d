import RaftCore
import Testing
@testable import PeerWire

// The batched forward frames (types 6 and 7) carry many forwarded requests or replies in one
// frame; the single ones (4 and 5) still decode, and both kinds can share one stream.

private func rawFrame(type: UInt8, body: [UInt8]) -> [UInt8] {
    var w = WireWriter()
    w.u16(PeerWire.magic)
    w.u8(PeerWire.version)
    w.u8(type)
    w.blob(body)
    w.u32(CRC32C.checksum(w.bytes))
    return w.bytes
}

@Test func aBatchOfForwardRequestsRoundTripsInOrder() throws {
    let requests = (0..<20).map { i in
        ForwardRequest(requestID: UInt64(100 + i), kind: i % 3 == 0 ? .read : .write,
                       args: [Array("SET".utf8), Array("key:\(i)".utf8), [UInt8](repeating: UInt8(i), count: i)])
    }
    let bytes = FrameCodec.encode(.forwardRequests(requests))
    #expect(bytes[3] == 6)
    #expect(try FrameCodec.decode(bytes) == .forwardRequests(requests))
}

@Test func aBatchOfForwardResponsesRoundTripsInOrder() throws {
    let replies = (0..<20).map { i in ForwardResponse(requestID: UInt64(i * 7), reply: Array("$\(i)\r\n".utf8)) }
    let bytes = FrameCodec.encode(.forwardResponses(replies))
    #expect(bytes[3] == 7)
    #expect(try FrameCodec.decode(bytes) == .forwardResponses(replies))
}

@Test func emptyBatchesRoundTrip() throws {
    #expect(try FrameCodec.decode(FrameCodec.encode(.forwardRequests([]))) == .forwardRequests([]))
    #expect(try FrameCodec.decode(FrameCodec.encode(.forwardResponses([]))) == .forwardResponses([]))
}

@Test func aBatchHasTheSameElementBytesAsTheSingleFrames() {
    let r = ForwardRequest(requestID: 9, kind: .write, args: [Array("INCR".utf8), Array("n".utf8)])
    let single = FrameCodec.encode(.forwardRequest(r))
    let batch = FrameCodec.encode(.forwardRequests([r]))
    // Batch body = count u32 + the single frame's body.
    let singleBody = Array(single[PeerWire.headerSize..<(single.count - PeerWire.trailerSize)])
    let batchBody = Array(batch[PeerWire.headerSize..<(batch.count - PeerWire.trailerSize)])
    #expect(batchBody == [0, 0, 0, 1] + singleBody)
}

@Test func oldAndNewForwardFramesMixInOneStream() throws {
    let frames: [Frame] = [
        .forwardRequest(ForwardRequest(requestID: 1, kind: .write, args: [Array("SET".utf8), [1], [2]])),
        .forwardRequests([ForwardRequest(requestID: 2, kind: .write, args: [Array("DEL".utf8), [3]]),
                          ForwardRequest(requestID: 3, kind: .read, args: [Array("GET".utf8), [3]])]),
        .forwardResponse(ForwardResponse(requestID: 1, reply: Array("+OK\r\n".utf8))),
        .forwardResponses([ForwardResponse(requestID: 2, reply: Array(":1\r\n".utf8)),
                           ForwardResponse(requestID: 3, reply: Array("_\r\n".utf8))]),
        .message(Message(from: "a", to: "b", term: 4, body: .readIndex(requestID: 8))),
    ]
    var w = WireWriter()
    for f in frames { FrameCodec.encode(f, into: &w) }
    var d = FrameDecoder()
    var out: [Frame] = []
    for b in w.bytes {
        d.feed([b])
        while let f = try d.next() { out.append(f) }
    }
    #expect(out == frames)
}

@Test func malformedBatchesGiveTypedErrors() {
    // A count the body cannot hold.
    #expect(throws: WireError.truncated(field: "forwardRequests")) { try FrameCodec.decode(rawFrame(type: 6, body: [0, 0, 1, 0])) }
    #expect(throws: WireError.truncated(field: "forwardResponses")) { try FrameCodec.decode(rawFrame(type: 7, body: [0xFF, 0, 0, 0])) }
    // An element with an unknown kind.
    var badKind = WireWriter()
    badKind.u32(1); badKind.u64(1); badKind.u8(9); badKind.u32(0)
    #expect(throws: WireError.unknownTag(field: "forwardRequest.kind", value: 9)) { try FrameCodec.decode(rawFrame(type: 6, body: badKind.bytes)) }
    // One element announced, two present.
    var extra = WireWriter()
    extra.u32(1)
    for id in [UInt64(1), 2] { extra.u64(id); extra.blob([0x2B]) }
    #expect(throws: WireError.trailingBytes(count: 13)) { try FrameCodec.decode(rawFrame(type: 7, body: extra.bytes)) }
    // Two announced, the second cut short.
    var short = WireWriter()
    short.u32(2); short.u64(1); short.blob([0x2B]); short.u64(2); short.u32(5); short.u8(1)
    #expect(throws: WireError.truncated(field: "forwardResponse.reply")) { try FrameCodec.decode(rawFrame(type: 7, body: short.bytes)) }
}
