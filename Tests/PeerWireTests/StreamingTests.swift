import RaftCore
import Testing
@testable import PeerWire

private func sampleStream(seed: UInt64, frames n: Int) -> ([Frame], [UInt8]) {
    var rng = SplitMix64(seed: seed)
    let frames = (0..<n).map { i in rng.frame(shape: i % SplitMix64.frameShapes) }
    var w = WireWriter()
    for f in frames { FrameCodec.encode(f, into: &w) }
    return (frames, w.bytes)
}

@Test func aStreamSplitAtEveryPointYieldsTheSameFrames() throws {
    let (frames, bytes) = sampleStream(seed: 1, frames: 13)
    for split in 0...bytes.count {
        var d = FrameDecoder()
        var out: [Frame] = []
        d.feed(bytes[..<split])
        while let f = try d.next() { out.append(f) }
        d.feed(bytes[split...])
        while let f = try d.next() { out.append(f) }
        #expect(out == frames, "split at \(split)")
        #expect(d.bufferedByteCount == 0)
    }
}

@Test func aStreamFedOneByteAtATimeYieldsEveryFrameAsSoonAsItIsComplete() throws {
    let (frames, bytes) = sampleStream(seed: 2, frames: 26)
    var d = FrameDecoder()
    var out: [Frame] = []
    var ends: [Int] = []
    for (i, b) in bytes.enumerated() {
        d.feed([b])
        while let f = try d.next() {
            out.append(f)
            ends.append(i + 1)
        }
    }
    #expect(out == frames)
    var expectedEnds: [Int] = []
    var total = 0
    for f in frames {
        total += FrameCodec.encode(f).count
        expectedEnds.append(total)
    }
    #expect(ends == expectedEnds)
}

@Test func everyFlippedBitInAFrameIsDetected() {
    var rng = SplitMix64(seed: 3)
    let frame = Frame.message(rng.message(tag: 2))
    let bytes = FrameCodec.encode(frame)
    for i in 0..<bytes.count {
        for bit in 0..<8 {
            var bad = bytes
            bad[i] ^= UInt8(1 << bit)
            // Either an error, or (a corrupted length that now asks for more bytes) no frame yet:
            // never the wrong frame.
            var d = FrameDecoder()
            d.feed(bad)
            do {
                let f = try d.next()
                #expect(f == nil, "byte \(i) bit \(bit) decoded to a frame")
            } catch {}
        }
    }
}

@Test func strictHeaderChecksGiveTypedErrors() {
    let good = FrameCodec.encode(.message(Message(from: "a", to: "b", term: 1, body: .timeoutNow)))
    var badMagic = good
    badMagic[0] = 0x00
    #expect(throws: WireError.badMagic(0x0046)) { try FrameCodec.decode(badMagic) }
    var badVersion = good
    badVersion[2] = 9
    #expect(throws: WireError.unsupportedVersion(9)) { try FrameCodec.decode(badVersion) }
    var tooBig = good
    tooBig[4] = 0x7F
    #expect(throws: WireError.frameTooLarge(length: 0x7F00_0000 + Int(good[7]), max: PeerWire.defaultMaxFrameBody)) {
        try FrameCodec.decode(tooBig)
    }
    #expect(throws: WireError.frameTooLarge(length: good.count - 12, max: 4)) { try FrameCodec.decode(good, maxFrameBody: 4) }
    #expect(throws: WireError.truncated(field: "frame")) { try FrameCodec.decode(Array(good.dropLast())) }
    #expect(throws: WireError.trailingBytes(count: 1)) { try FrameCodec.decode(good + [0x52]) }
}

/// Builds a frame around an arbitrary body with a correct checksum, to reach the body checks.
private func frame(type: UInt8, body: [UInt8]) -> [UInt8] {
    var w = WireWriter()
    w.u16(PeerWire.magic)
    w.u8(PeerWire.version)
    w.u8(type)
    w.blob(body)
    w.u32(CRC32C.checksum(w.bytes))
    return w.bytes
}

@Test func bodyErrorsAreTypedEvenUnderAValidChecksum() {
    #expect(throws: WireError.unknownTag(field: "frame.type", value: 77)) { try FrameCodec.decode(frame(type: 77, body: [])) }
    var good = WireWriter()
    good.message(Message(from: "a", to: "b", term: 1, body: .readIndex(requestID: 5)))
    #expect(throws: WireError.trailingBytes(count: 2)) { try FrameCodec.decode(frame(type: 2, body: good.bytes + [0, 0])) }
    #expect(throws: WireError.truncated(field: "readIndex.requestID")) {
        try FrameCodec.decode(frame(type: 2, body: Array(good.bytes.dropLast())))
    }
    var badBool = WireWriter()
    badBool.message(Message(from: "a", to: "b", term: 1, body: .requestVoteResponse(RequestVoteResponse(granted: true, preVote: false))))
    badBool.bytes[badBool.bytes.count - 1] = 2
    #expect(throws: WireError.invalidBool(field: "requestVoteResponse.preVote", value: 2)) {
        try FrameCodec.decode(frame(type: 2, body: badBool.bytes))
    }
    // A string of invalid UTF-8 as the sender's node id.
    #expect(throws: WireError.invalidUTF8(field: "message.from")) {
        try FrameCodec.decode(frame(type: 2, body: [0, 0, 0, 2, 0xC3, 0x28]))
    }
    // An entry count that the remaining bytes cannot possibly hold.
    var lying = WireWriter()
    lying.nodeID("a"); lying.nodeID("b"); lying.u64(1); lying.u8(3)
    lying.u64(0); lying.u64(0); lying.u64(0); lying.u64(0); lying.u32(0xFFFF_FFFF)
    #expect(throws: WireError.truncated(field: "appendEntries.entries")) { try FrameCodec.decode(frame(type: 2, body: lying.bytes)) }
    // A snapshot chunk above the 1 MiB limit.
    var chunk = WireWriter()
    chunk.u64(1); chunk.u64(1); chunk.u64(0); chunk.u8(0); chunk.bool(true)
    chunk.blob([UInt8](repeating: 0, count: PeerWire.maxSnapshotChunk + 1))
    #expect(throws: WireError.invalidValue(field: "snapshotChunk.bytes", reason: "\(PeerWire.maxSnapshotChunk + 1) bytes exceed the chunk limit \(PeerWire.maxSnapshotChunk)")) {
        try FrameCodec.decode(frame(type: 3, body: chunk.bytes))
    }
}

@Test func aBrokenStreamStaysBroken() {
    var d = FrameDecoder()
    d.feed([0xDE, 0xAD])
    #expect(throws: WireError.badMagic(0xDEAD)) { try d.next() }
    d.feed(FrameCodec.encode(.message(Message(from: "a", to: "b", term: 1, body: .timeoutNow))))
    #expect(throws: WireError.badMagic(0xDEAD)) { try d.next() }
}

@Test func fuzzedGarbageNeverCrashesTheDecoder() {
    var rng = SplitMix64(seed: 4)
    var outcomes = [String: Int]()
    let valid = sampleStream(seed: 5, frames: 13).1
    for round in 0..<3000 {
        var bytes: [UInt8]
        switch round % 3 {
        case 0: bytes = rng.bytes(max: 200)  // pure garbage
        case 1:  // valid frames with random byte mutations
            bytes = valid
            for _ in 0..<Int.random(in: 1...4, using: &rng) { bytes[Int.random(in: 0..<bytes.count, using: &rng)] = UInt8.random(in: 0...255, using: &rng) }
        default:  // a valid header around a garbage body with a correct checksum: reaches the body decoder
            bytes = frame(type: UInt8.random(in: 1...5, using: &rng), body: rng.bytes(max: 120))
        }
        var d = FrameDecoder(maxFrameBody: 1 << 16)
        d.feed(bytes)
        var n = 0
        do {
            while try d.next() != nil, n < 100 { n += 1 }
            outcomes["ok", default: 0] += 1
        } catch {
            outcomes[String(describing: error).prefix(12).description, default: 0] += 1
        }
    }
    // The decoder must have rejected most garbage (a sanity check that the loop exercised it).
    #expect(outcomes.filter { $0.key != "ok" }.values.reduce(0, +) > 1500)
}
