#if canImport(Glibc)
import struct RaftCore.SplitMix64  // seeded: a failing case replays from its seed
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import Testing
@testable import RESP

/// Rounds per seed; RESP_FUZZ_ROUNDS=50000 for a longer soak (still bounded).
let fuzzRounds = Int(getenvString("RESP_FUZZ_ROUNDS") ?? "") ?? 300

func getenvString(_ name: String) -> String? {
    guard let value = getenv(name) else { return nil }
    return String(cString: value)
}

@Suite("Garbage never crashes")
struct FuzzTests {
    /// Random bytes biased towards RESP's special characters, so the parsers get deep.
    func garbage(_ rng: inout SplitMix64, count: Int) -> [UInt8] {
        let alphabet = Array("*$+-:_,#!=(%~>|\r\n0123456789-? \"'\\xab".utf8)
        return (0..<count).map { _ in
            Bool.random(using: &rng) ? alphabet.randomElement(using: &rng)! : UInt8.random(in: 0...255, using: &rng)
        }
    }

    func randomChunks(_ input: [UInt8], _ rng: inout SplitMix64) -> [[UInt8]] {
        var chunks: [[UInt8]] = []
        var i = 0
        while i < input.count {
            let n = Int.random(in: 1...16, using: &rng)
            chunks.append(Array(input[i..<min(i + n, input.count)]))
            i += n
        }
        return chunks
    }

    @Test(arguments: [UInt64(1), 2, 3, 4])
    func requestParserSurvivesRandomBytesAndAgreesAcrossSplits(seed: UInt64) {
        var rng = SplitMix64(seed: seed)
        let small = RESPRequestLimits(maxBulkLength: 64, maxMultibulkLength: 8, maxInlineLength: 128)
        for round in 0..<fuzzRounds {
            let input = garbage(&rng, count: Int.random(in: 0...300, using: &rng))
            let whole = decodeRequests(input, limits: small)
            let pieces = decodeRequests(randomChunks(input, &rng), limits: small)
            #expect(whole == pieces, "seed \(seed) round \(round)")
        }
    }

    @Test(arguments: [UInt64(5), 6, 7, 8])
    func replyParserSurvivesRandomBytesAndAgreesAcrossSplits(seed: UInt64) {
        var rng = SplitMix64(seed: seed)
        for round in 0..<fuzzRounds {
            let input = garbage(&rng, count: Int.random(in: 0...300, using: &rng))
            let whole = Result { () throws(RESPProtocolError) in try parseAll([input]) }
            let pieces = Result { () throws(RESPProtocolError) in try parseAll(randomChunks(input, &rng)) }
            // A split may only delay an error past values the whole input also produced.
            switch (whole, pieces) {
            case (.success(let a), .success(let b)): #expect(a == b, "seed \(seed) round \(round)")
            case (.failure, .failure): break
            default: Issue.record("seed \(seed) round \(round): \(whole) vs \(pieces)")
            }
        }
    }

    @Test func mutatedValidRequestsNeverCrash() {
        var rng = SplitMix64(seed: 42)
        let valid = multibulk(args("SET", "key", "value")) + bytes("GET \"k\\x41\" 'x'\r\n")
        for _ in 0..<(fuzzRounds * 7) {
            var input = valid
            for _ in 0..<Int.random(in: 1...4, using: &rng) {
                input[Int.random(in: 0..<input.count, using: &rng)] = UInt8.random(in: 0...255, using: &rng)
            }
            _ = decodeRequests(randomChunks(input, &rng))
        }
    }

    func parseAll(_ chunks: [[UInt8]]) throws(RESPProtocolError) -> [RESPValue] {
        var decoder = RESPReplyDecoder(limits: .init(maxDepth: 8, maxBulkLength: 64, maxAggregateLength: 64))
        var values: [RESPValue] = []
        for chunk in chunks {
            decoder.append(chunk)
            while let value = try decoder.next() { values.append(value) }
        }
        return values
    }
}
