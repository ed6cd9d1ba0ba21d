import struct RaftCore.SplitMix64  // seeded: a failing case replays from its seed
import Testing
@testable import RESP

/// Random values, encoded and parsed back in random pieces, must come back unchanged.
@Suite("Round-trip properties")
struct RoundTripPropertyTests {
    func randomBytes(_ rng: inout SplitMix64) -> [UInt8] {
        (0..<Int.random(in: 0...12, using: &rng)).map { _ in UInt8.random(in: 0...255, using: &rng) }
    }

    func randomLine(_ rng: inout SplitMix64) -> String {
        String((0..<Int.random(in: 0...10, using: &rng)).map { _ in Character(UnicodeScalar(UInt8.random(in: 0x20...0x7E, using: &rng))) })
    }

    /// Any RESP3 value except the two RESP2 nulls (RESP3 folds them into `.null`) and NaN
    /// (which is not equal to itself).
    func randomValue(_ rng: inout SplitMix64, depth: Int) -> RESPValue {
        let kinds = depth > 0 ? 14 : 9
        switch Int.random(in: 0..<kinds, using: &rng) {
        case 0: return .simpleString(randomLine(&rng))
        case 1: return .error("ERR " + randomLine(&rng))
        case 2: return .integer(Int64.random(in: .min ... .max, using: &rng))
        case 3: return .bulkString(randomBytes(&rng))
        case 4: return .null
        case 5: return .double(Double.random(in: -1e9...1e9, using: &rng))
        case 6: return .boolean(Bool.random(using: &rng))
        case 7: return .verbatimString(format: "txt", text: randomBytes(&rng))
        case 8: return .bigNumber(String(UInt64.random(in: 0...UInt64.max, using: &rng)) + "0000")
        case 9: return .array(randomElements(&rng, depth: depth - 1))
        case 10: return .set(randomElements(&rng, depth: depth - 1))
        case 11: return .push(randomElements(&rng, depth: depth - 1))
        default:
            return .map(randomElements(&rng, depth: depth - 1).map { RESPValue.Pair($0, randomValue(&rng, depth: depth - 1)) })
        }
    }

    func randomElements(_ rng: inout SplitMix64, depth: Int) -> [RESPValue] {
        (0..<Int.random(in: 0...4, using: &rng)).map { _ in randomValue(&rng, depth: depth) }
    }

    func chunks(_ input: [UInt8], _ rng: inout SplitMix64) -> [[UInt8]] {
        var out: [[UInt8]] = []
        var i = 0
        while i < input.count {
            let n = Int.random(in: 1...32, using: &rng)
            out.append(Array(input[i..<min(i + n, input.count)]))
            i += n
        }
        return out
    }

    @Test(arguments: [UInt64(11), 12, 13])
    func randomRESP3RepliesSurviveEncodeAndChunkedParse(seed: UInt64) throws {
        var rng = SplitMix64(seed: seed)
        for round in 0..<200 {
            let values = (0..<Int.random(in: 1...5, using: &rng)).map { _ in randomValue(&rng, depth: 4) }
            let wire = values.flatMap { RESPEncoder.encode($0, version: .resp3) }
            var decoder = RESPReplyDecoder()
            var parsed: [RESPValue] = []
            for chunk in chunks(wire, &rng) {
                decoder.append(chunk)
                while let value = try decoder.next() { parsed.append(value) }
            }
            #expect(parsed == values, "seed \(seed) round \(round)")
        }
    }

    @Test(arguments: [UInt64(21), 22])
    func randomBinaryRequestsSurviveEncodeAndChunkedParse(seed: UInt64) {
        var rng = SplitMix64(seed: seed)
        for round in 0..<200 {
            let requests = (0..<Int.random(in: 1...6, using: &rng)).map { _ in
                (0..<Int.random(in: 1...5, using: &rng)).map { _ in randomBytes(&rng) }
            }
            let wire = requests.flatMap { RESPEncoder.encode(.command($0), version: .resp2) }
            #expect(decodeRequests(chunks(wire, &rng)) == .commands(requests), "seed \(seed) round \(round)")
        }
    }
}
