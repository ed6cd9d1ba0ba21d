import Testing
@testable import RESP

@Suite("Request parser: whole-request size limit")
struct RequestSizeLimitTests {
    let limits = RESPRequestLimits(maxRequestBytes: 10)

    @Test func aRequestWhoseArgumentsAddUpToTheLimitIsAccepted() {
        let input = multibulk([bytes("MSET"), bytes("a"), bytes("12345")])  // 4 + 1 + 5 = 10
        for chunks in everySplit(input) {
            #expect(decodeRequests(chunks, limits: limits) == .commands([args("MSET", "a", "12345")]))
        }
    }

    @Test func oneByteMoreIsRefusedFromTheHeaderBeforeThePayloadArrives() {
        let refused = "ERR Protocol error: too big request (arguments over 10 bytes)"
        // Only the headers: the payload of the last argument never needs to arrive.
        #expect(decodeRequests(bytes("*3\r\n$4\r\nMSET\r\n$1\r\na\r\n$6\r\n"), limits: limits) == .error([], refused))
        let input = multibulk([bytes("MSET"), bytes("a"), bytes("123456")])
        for chunks in everySplit(input) {
            #expect(decodeRequests(chunks, limits: limits) == .error([], refused))
        }
    }

    @Test func theCountRestartsWithEachRequest() {
        let one = multibulk([bytes("SET"), bytes("k"), bytes("123456")])  // 3 + 1 + 6 = 10
        #expect(decodeRequests(one + one + one, limits: limits) == .commands(Array(repeating: args("SET", "k", "123456"), count: 3)))
    }

    @Test func redisLimitsHaveNoWholeRequestCap() {
        #expect(RESPRequestLimits.redis.maxRequestBytes == .max)
    }
}
