// TCP reassembly as a capture sees it: segments out of order, sent twice, overlapping, lost,
// a connection reset and made again, a capture that starts in the middle of a stream.
import Capture
import PeerWire
import RaftCore
import Testing

private let dialer = SyntheticCapture.local(50001)
private let acceptor = SyntheticCapture.local(7380)

/// Twenty AppendEntries from 1 to 2, as one byte stream.
private func twentyFrames() -> (frames: [Frame], bytes: [UInt8]) {
    let frames = (1...20).map { i in Wire.appendEntries("1", "2", term: 2, prev: (UInt64(i - 1), 2), commit: UInt64(i - 1), entries: [(UInt64(i), 2, "entry \(i)")]) }
    return (frames, frames.flatMap { FrameCodec.encode($0) })
}

/// Cuts `bytes` into pieces of `size` bytes (the last may be shorter), each with its offset.
private func pieces(_ bytes: [UInt8], size: Int) -> [(offset: Int, bytes: ArraySlice<UInt8>)] {
    stride(from: 0, to: bytes.count, by: size).map { ($0, bytes[$0..<min($0 + size, bytes.count)]) }
}

private func decode(_ c: SyntheticCapture) throws -> DecodedCapture {
    CaptureDecoder().decode(try PcapFile(bytes: c.writer.bytes))
}

@Test func segmentsInOrderGiveEveryFrame() throws {
    let (frames, bytes) = twentyFrames()
    var c = SyntheticCapture()
    let isn = c.sequence(from: dialer, to: acceptor)
    for p in pieces(bytes, size: 37) { c.segment(from: dialer, to: acceptor, sequence: isn &+ UInt32(p.offset), payload: p.bytes) }
    let d = try decode(c)
    #expect(d.frames.map(\.frame) == frames)
    #expect(d.problems.isEmpty)
    #expect(d.frames.first?.offset == 0)
}

@Test func reorderedRetransmittedAndOverlappingSegmentsGiveEachFrameOnceInOrder() throws {
    let (frames, bytes) = twentyFrames()
    var c = SyntheticCapture()
    let isn = c.sequence(from: dialer, to: acceptor)
    var rng = SplitMix64(seed: 12)
    var ps = pieces(bytes, size: 50)
    // Swap neighbours at random (reordering), send some twice (retransmission) ...
    for i in stride(from: 0, to: ps.count - 1, by: 2) where rng.below(2) == 0 { ps.swapAt(i, i + 1) }
    var segments: [(Int, ArraySlice<UInt8>)] = []
    for p in ps {
        segments.append((p.offset, p.bytes))
        if rng.below(4) == 0 { segments.append((p.offset, p.bytes)) }
    }
    // ... and add segments that overlap two pieces (a retransmission re-cut by the sender).
    for _ in 0..<10 {
        let start = rng.below(bytes.count - 80)
        segments.insert((start, bytes[start..<(start + 75)]), at: rng.below(segments.count))
    }
    for (offset, payload) in segments { c.segment(from: dialer, to: acceptor, sequence: isn &+ UInt32(offset), payload: payload) }
    let d = try decode(c)
    #expect(d.frames.map(\.frame) == frames)
    #expect(d.problems.isEmpty)
    #expect(d.retransmittedSegments > 0)
}

@Test func aCaptureThatStartsMidStreamResynchronisesOnTheNextFrame() throws {
    let (frames, bytes) = twentyFrames()
    let secondFrameStart = FrameCodec.encode(frames[0]).count
    var c = SyntheticCapture()
    // No SYN: the capture joins 10 bytes into the stream, inside the first frame.
    for p in pieces(Array(bytes[10...]), size: 64) {
        c.segment(from: dialer, to: acceptor, sequence: 1_000_000 &+ UInt32(p.offset), payload: p.bytes)
    }
    let d = try decode(c)
    #expect(d.frames.map(\.frame) == Array(frames.dropFirst()))
    #expect(d.streams.first?.midStream == true)
    #expect(d.problems.count == 1)
    #expect(d.problems.allSatisfy { !$0.isDamage })
    #expect(d.frames.first?.offset == UInt64(secondFrameStart - 10))
}

@Test func aLostSegmentCostsOnlyTheFramesItTouched() throws {
    let (frames, bytes) = twentyFrames()
    var c = SyntheticCapture()
    let isn = c.sequence(from: dialer, to: acceptor)
    let ps = pieces(bytes, size: 40)
    let lost = ps.count / 2
    for (i, p) in ps.enumerated() where i != lost {
        c.segment(from: dialer, to: acceptor, sequence: isn &+ UInt32(p.offset), payload: p.bytes)
    }
    c.segment(from: dialer, to: acceptor, sequence: isn &+ UInt32(bytes.count), payload: [], fin: true)
    let d = try decode(c)
    let decoded = d.frames.map(\.frame)
    // Every frame not overlapping the lost bytes is there, in order.
    let lostRange = ps[lost].offset..<(ps[lost].offset + ps[lost].bytes.count)
    var offset = 0
    var expected: [Frame] = []
    for f in frames {
        let n = FrameCodec.encode(f).count
        if !(offset..<(offset + n)).overlaps(lostRange) { expected.append(f) }
        offset += n
    }
    #expect(decoded == expected)
    #expect(d.problems.contains { if case .gap(let n) = $0.kind { return n == UInt64(lostRange.count) } else { return false } })
}

@Test func aConnectionResetAndMadeAgainIsANewStreamFromItsHandshake() throws {
    var c = SyntheticCapture()
    c.send([Wire.hello("1"), Wire.appendEntries("1", "2", term: 1, prev: (0, 0), commit: 0)], from: dialer, to: acceptor)
    // Half a frame, then the reset: that frame never completes.
    let half = Array(FrameCodec.encode(Wire.appendEntries("1", "2", term: 1, prev: (0, 0), commit: 0)).prefix(10))
    c.send(bytes: half, from: dialer, to: acceptor)
    c.reset(from: dialer, to: acceptor)
    c.send([Wire.hello("1"), Wire.appendEntries("1", "2", term: 2, prev: (0, 0), commit: 0)], from: dialer, to: acceptor)
    let d = try decode(c)
    #expect(d.streams.count == 2)
    #expect(d.streams.allSatisfy { $0.sender == "1" && !$0.midStream })
    #expect(d.frames.compactMap(\.message).map(\.term) == [1, 2])
    #expect(d.problems.count == 1)
    if case .incomplete(let n) = d.problems.first?.kind { #expect(n == 10) } else { Issue.record("expected an incomplete frame, got \(d.problems)") }
}

@Test func bothDirectionsOfAConnectionShareItsNumber() throws {
    var c = SyntheticCapture()
    c.send([Wire.hello("1"), Wire.requestVote("1", "2", term: 3)], from: dialer, to: acceptor)
    c.send([Wire.vote("2", "1", term: 3)], from: acceptor, to: dialer)
    let d = try decode(c)
    #expect(d.streams.count == 2)
    #expect(Set(d.streams.map(\.connection)).count == 1)
    #expect(d.frames.count == 3)
}

@Test func framesAfterACaptureGapKeepTheirPlaceAmongOtherStreams() throws {
    // Node 1 talks to 2 (a stream that loses a segment to the capture) and to 3. The frame after
    // the gap was sent before node 1's frames to 3, and must be listed before them, although
    // the reassembler only gives it up when the stream ends.
    let other = SyntheticCapture.local(50002), third = SyntheticCapture.local(7382)
    var c = SyntheticCapture()
    let lostFrame = FrameCodec.encode(Wire.appendEntries("1", "2", term: 4, prev: (0, 0), commit: 0))
    let before = FrameCodec.encode(Wire.hello("1")) + FrameCodec.encode(Wire.appendEntries("1", "2", term: 4, prev: (0, 0), commit: 0))
    let after = FrameCodec.encode(Wire.appendEntries("1", "2", term: 5, prev: (0, 0), commit: 0))
    let isn = c.sequence(from: dialer, to: acceptor)
    c.segment(from: dialer, to: acceptor, sequence: isn, payload: before[...])
    // `lostFrame` was on the wire here, but not in the capture.
    c.segment(from: dialer, to: acceptor, sequence: isn &+ UInt32(before.count + lostFrame.count), payload: after[...])
    c.send([Wire.hello("1"), Wire.appendEntries("1", "3", term: 6, prev: (0, 0), commit: 0)], from: other, to: third)
    let d = try decode(c)
    #expect(d.frames.compactMap(\.message).map(\.term) == [4, 5, 6])
    #expect(d.frames.map(\.packet) == d.frames.map(\.packet).sorted())
    #expect(d.frames.map(\.index) == Array(0..<d.frames.count))
}
