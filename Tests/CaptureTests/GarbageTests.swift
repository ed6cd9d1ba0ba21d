// Whatever the bytes, the decoder never crashes: foreign bytes in a stream are reported with
// their stream and offset and decoding resumes at the next real frame; files that are not
// pcaps are refused with a reason; damaged pcaps decode as far as they can.
import Capture
import PeerWire
import RaftCore
import Testing

private let a = SyntheticCapture.local(50001)
private let b = SyntheticCapture.local(7380)

@Test func garbageBetweenFramesIsReportedWithItsOffsetAndTheNextFrameDecodes() throws {
    let before = FrameCodec.encode(Wire.appendEntries("1", "2", term: 1, prev: (0, 0), commit: 0))
    let garbage: [UInt8] = Array("this is not a frame".utf8)
    let after = FrameCodec.encode(Wire.appendEntries("1", "2", term: 1, prev: (0, 0), commit: 0, entries: [(1, 1, "x")]))
    var c = SyntheticCapture()
    c.send(bytes: before + garbage + after, from: a, to: b)
    let d = CaptureDecoder().decode(try PcapFile(bytes: c.writer.bytes))
    #expect(d.frames.count == 2)
    let bad = d.problems.first { $0.isDamage }
    #expect(bad?.offset == UInt64(before.count))
    #expect(bad?.stream == 0)
    #expect(d.frames.last?.offset == UInt64(before.count + garbage.count))
}

@Test(arguments: [1, 2, 3, 4, 5, 6, 7, 8])
func seededGarbageInsideStreamsNeverCrashesAndFramesAfterItSurvive(seed: UInt64) throws {
    var rng = SplitMix64(seed: seed)
    var c = SyntheticCapture()
    var good = 0
    for i in 0..<40 {
        let frame = Wire.appendEntries("1", "2", term: 1, prev: (UInt64(i), 1), commit: 0, entries: [(UInt64(i + 1), 1, "v\(i)")])
        var bytes = FrameCodec.encode(frame)
        switch rng.below(4) {
        case 0:  // random bytes before the frame, sometimes starting like a header
            var junk = (0..<rng.below(60)).map { _ in UInt8(truncatingIfNeeded: rng.next()) }
            if rng.below(2) == 0 { junk = [0x52, 0x46, 1, UInt8(rng.below(9))] + junk }
            bytes = junk + bytes
            good += 1
        case 1:  // a flipped byte inside the frame: that frame is lost
            let at = rng.below(bytes.count)
            bytes[at] ^= UInt8(1 + rng.below(255))
        default:
            good += 1
        }
        c.send(bytes: bytes, from: a, to: b)
    }
    let d = CaptureDecoder().decode(try PcapFile(bytes: c.writer.bytes))
    // A junk prefix can only cost its own frame when it fakes a header whose length swallows it;
    // nothing else is lost and nothing invented.
    #expect(d.frames.count <= 40)
    #expect(d.frames.count >= good - 5)
    #expect(d.frames.allSatisfy { $0.message != nil })
}

@Test(arguments: [11, 12, 13, 14])
func randomFilesAreRefusedOrDecodedWithoutCrashing(seed: UInt64) {
    var rng = SplitMix64(seed: seed)
    for _ in 0..<50 {
        var bytes = (0..<rng.below(400)).map { _ in UInt8(truncatingIfNeeded: rng.next()) }
        if rng.below(2) == 0 && bytes.count > 24 {
            // A valid header over random records: the hard case.
            bytes.replaceSubrange(0..<24, with: PcapWriter().bytes)
        }
        if let file = try? PcapFile(bytes: bytes) {
            _ = CaptureDecoder().decode(file)
        }
    }
}

@Test(arguments: [21, 22, 23])
func bitFlipsInAValidCaptureNeverCrash(seed: UInt64) throws {
    var c = SyntheticCapture()
    c.send([Wire.hello("1")], from: a, to: b)
    for i in 0..<30 { c.send([Wire.appendEntries("1", "2", term: 1, prev: (UInt64(i), 1), commit: UInt64(i))], from: a, to: b) }
    var rng = SplitMix64(seed: seed)
    for _ in 0..<30 {
        var bytes = c.writer.bytes
        for _ in 0..<(1 + rng.below(20)) { bytes[24 + rng.below(bytes.count - 24)] ^= UInt8(1 << rng.below(8)) }
        if let file = try? PcapFile(bytes: bytes) {
            let d = CaptureDecoder().decode(file)
            #expect(d.frames.count <= 31)
        }
    }
}

@Test func aFileThatIsNotAPcapIsRefusedWithAReason() {
    #expect(throws: CaptureError.notPcap(reason: "12 bytes, shorter than the 24-byte pcap header")) { try PcapFile(bytes: Array("hello world!".utf8)) }
    let pcapng: [UInt8] = [0x0A, 0x0D, 0x0D, 0x0A] + [UInt8](repeating: 0, count: 28)
    #expect { try PcapFile(bytes: pcapng) } throws: { "\($0)".contains("pcapng") }
    var unknownLink = PcapWriter().bytes
    unknownLink[20] = 200
    #expect(throws: CaptureError.unsupportedLinkType(200)) { try PcapFile(bytes: unknownLink) }
}
