import RaftCore
import Testing
@testable import PeerWire

@Test func crc32cMatchesTheStandardCheckValue() {
    #expect(CRC32C.checksum(Array("123456789".utf8)) == 0xE306_9283)
    #expect(CRC32C.checksum([]) == 0)
}

@Test func crc32cOfPiecesEqualsCrcOfTheWhole() {
    var rng = SplitMix64(seed: 7)
    for _ in 0..<50 {
        let bytes = rng.bytes(max: 200)
        let cut = Int.random(in: 0...bytes.count, using: &rng)
        let pieces = CRC32C.checksum(bytes[cut...], continuing: CRC32C.checksum(bytes[..<cut]))
        #expect(pieces == CRC32C.checksum(bytes))
        // The byte-at-a-time definition, independent of the slicing-by-8 tables.
        var c: UInt32 = 0xFFFF_FFFF
        for b in bytes {
            c ^= UInt32(b)
            for _ in 0..<8 { c = (c & 1) != 0 ? (c >> 1) ^ 0x82F6_3B78 : c >> 1 }
        }
        #expect(~c == CRC32C.checksum(bytes))
    }
}

@Test(arguments: 0..<SplitMix64.frameShapes)
func everyFrameShapeRoundTripsOverSeededRandomValues(shape: Int) throws {
    for seed in 0..<200 as Range<UInt64> {
        var rng = SplitMix64(seed: seed &* 1000 &+ UInt64(shape))
        let frame = rng.frame(shape: shape)
        let bytes = FrameCodec.encode(frame)
        let decoded = try FrameCodec.decode(bytes)
        #expect(decoded == frame, "shape \(shape) seed \(seed)")
    }
}

@Test func entriesAndConfChangesRoundTripThroughTheSharedCodec() throws {
    var rng = SplitMix64(seed: 99)
    for _ in 0..<100 {
        let e = rng.entry()
        #expect(try RaftTypesCodec.decodeEntry(RaftTypesCodec.encode(e)) == e)
    }
    for kind in [ConfChange.Kind.addLearner, .promoteToVoter, .addVoter, .remove] {
        let c = ConfChange(kind: kind, node: "n☃", address: "10.0.0.1:5011")
        #expect(try RaftTypesCodec.decodeConfChange(RaftTypesCodec.encode(c)) == c)
    }
}

@Test func configurationEncodingIsIndependentOfSetOrder() {
    let a = Configuration(voters: ["a", "b", "c", "d", "e"], addresses: ["a": "x", "b": "y", "c": "z"])
    var w1 = WireWriter()
    w1.configuration(a)
    for _ in 0..<10 {
        let b = Configuration(voters: Set(["e", "d", "c", "b", "a"].shuffled()), addresses: ["c": "z", "a": "x", "b": "y"])
        var w2 = WireWriter()
        w2.configuration(b)
        #expect(w1.bytes == w2.bytes)
    }
}
