import Testing
@testable import RESP

@Suite("Request parser: multibulk")
struct MultibulkRequestTests {
    @Test func parsesASetCommand() {
        #expect(decodeRequests("*3\r\n$3\r\nSET\r\n$3\r\nkey\r\n$5\r\nvalue\r\n") == .commands([args("SET", "key", "value")]))
    }

    @Test func givesTheSameResultAtEverySplitPointAndByteByByte() {
        let input = multibulk(args("SET", "key", "value")) + multibulk(args("GET", "key")) + bytes("PING\r\n")
        let expected = DecodeOutcome.commands([args("SET", "key", "value"), args("GET", "key"), args("PING")])
        for chunks in everySplit(input) {
            #expect(decodeRequests(chunks) == expected, "chunks: \(chunks.map(\.count))")
        }
    }

    @Test func keepsCRLFAndNULInsideBulkStrings() {
        let value: [UInt8] = [0x0D, 0x0A, 0x00, 0x24, 0x2A, 0x0D, 0x0A, 0xFF, 0x0A]
        let input = multibulk([bytes("SET"), bytes("k\r\n"), value])
        for chunks in everySplit(input) {
            #expect(decodeRequests(chunks) == .commands([[bytes("SET"), bytes("k\r\n"), value]]))
        }
    }

    @Test func parsesEmptyBulkStrings() {
        #expect(decodeRequests("*2\r\n$3\r\nGET\r\n$0\r\n\r\n") == .commands([[bytes("GET"), []]]))
    }

    @Test func returnsPipelinedRequestsInOrder() {
        var input: [UInt8] = []
        for i in 0..<100 { input += multibulk(args("INCR", "k\(i)")) }
        guard case .commands(let commands) = decodeRequests(input) else {
            Issue.record("expected commands")
            return
        }
        #expect(commands == (0..<100).map { args("INCR", "k\($0)") })
    }

    @Test func ignoresZeroAndNegativeMultibulkCounts() {
        #expect(decodeRequests("*0\r\n*-10\r\n*1\r\n$4\r\nPING\r\n") == .commands([args("PING")]))
    }

    @Test func consumesCompletedArgumentsBeforeTheRequestIsWhole() {
        var decoder = RESPRequestDecoder()
        decoder.append(bytes("*3\r\n$3\r\nSET\r\n$3\r\nkey\r\n$5\r\nva"))
        #expect((try? decoder.next()) == .some(nil))
        // Only the partial last payload (and not the parsed arguments) stays buffered.
        #expect(decoder.bufferedByteCount == 2)
        decoder.append(bytes("lue\r\n"))
        #expect((try? decoder.next()) == args("SET", "key", "value"))
        #expect(decoder.bufferedByteCount == 0)
    }

    @Test func waitsForALargeBulkWithoutRescanningIt() {
        let big = [UInt8](repeating: 0x0D, count: 100_000)
        let input = multibulk([bytes("SET"), bytes("k"), big])
        var chunks: [[UInt8]] = []
        var i = 0
        while i < input.count {
            chunks.append(Array(input[i..<min(i + 1000, input.count)]))
            i += 1000
        }
        #expect(decodeRequests(chunks) == .commands([[bytes("SET"), bytes("k"), big]]))
    }
}

@Suite("Request parser: limits and protocol errors")
struct RequestLimitTests {
    // The cases below are those of Redis's tests/unit/protocol.tcl.

    @Test func rejectsOutOfRangeMultibulkLength() {
        #expect(decodeRequests("*3000000000\r\n") == .error([], "ERR Protocol error: invalid multibulk length"))
    }

    @Test func rejectsMultibulkLengthJustAboveTheLimit() {
        #expect(decodeRequests("*1048577\r\n") == .error([], "ERR Protocol error: invalid multibulk length"))
        #expect(decodeRequests("*1048576\r\n") == .commands([]))
    }

    @Test func rejectsNonNumericMultibulkLength() {
        #expect(decodeRequests("*abc\r\n") == .error([], "ERR Protocol error: invalid multibulk length"))
        #expect(decodeRequests("*01\r\n") == .error([], "ERR Protocol error: invalid multibulk length"))
    }

    @Test func rejectsAWrongPayloadHeader() {
        #expect(decodeRequests("*3\r\n$3\r\nSET\r\n$1\r\nx\r\nfooz\r\n") == .error([], "ERR Protocol error: expected '$', got 'f'"))
    }

    @Test func rejectsMultibulkNotFollowedByBulkArguments() {
        #expect(decodeRequests("*1\r\nfoo\r\n") == .error([], "ERR Protocol error: expected '$', got 'f'"))
    }

    @Test func showsAControlByteEscapedInTheExpectedDollarError() {
        #expect(decodeRequests("*1\r\n\r\n") == .error([], "ERR Protocol error: expected '$', got '\\x0d'"))
    }

    @Test func rejectsNegativeBulkLength() {
        #expect(decodeRequests("*3\r\n$3\r\nSET\r\n$1\r\nx\r\n$-10\r\n") == .error([], "ERR Protocol error: invalid bulk length"))
    }

    @Test func rejectsOutOfRangeBulkLength() {
        #expect(decodeRequests("*3\r\n$3\r\nSET\r\n$1\r\nx\r\n$2000000000\r\n") == .error([], "ERR Protocol error: invalid bulk length"))
    }

    @Test func rejectsNonNumericBulkLength() {
        #expect(decodeRequests("*3\r\n$3\r\nSET\r\n$1\r\nx\r\n$blabla\r\n") == .error([], "ERR Protocol error: invalid bulk length"))
    }

    @Test func acceptsABulkOfExactly512MBHeaderButRejectsOneByteMore() {
        // Only headers are sent: the parser must decide from the length alone.
        #expect(decodeRequests("*1\r\n$536870912\r\n") == .commands([]))
        #expect(decodeRequests("*1\r\n$536870913\r\n") == .error([], "ERR Protocol error: invalid bulk length"))
    }

    @Test func honoursConfiguredLimits() {
        let limits = RESPRequestLimits(maxBulkLength: 4, maxMultibulkLength: 2, maxInlineLength: 8)
        #expect(decodeRequests(bytes("*2\r\n$4\r\nabcd\r\n$5\r\n"), limits: limits) == .error([], "ERR Protocol error: invalid bulk length"))
        #expect(decodeRequests(bytes("*3\r\n"), limits: limits) == .error([], "ERR Protocol error: invalid multibulk length"))
        #expect(decodeRequests(bytes("PING ABCDE\r\n"), limits: limits) == .error([], "ERR Protocol error: too big inline request"))
    }

    @Test func rejectsAnInlineRequestOver64KiBWithoutANewline() {
        let chunk = [UInt8](repeating: UInt8(ascii: "a"), count: 1024)
        let chunks = Array(repeating: chunk, count: 65)
        #expect(decodeRequests(chunks) == .error([], "ERR Protocol error: too big inline request"))
        #expect(decodeRequests(Array(chunks.prefix(64))) == .commands([]))
    }

    @Test func rejectsAnOverlongMultibulkCountLine() {
        // Redis's "protocol desync" regression test: '*' then bytes with no CR.
        let input = bytes("*") + [UInt8](repeating: 0, count: 70_000)
        #expect(decodeRequests(input) == .error([], "ERR Protocol error: too big mbulk count string"))
    }

    @Test func rejectsAnOverlongBulkCountLine() {
        let input = bytes("*1\r\n$") + [UInt8](repeating: 0, count: 70_000)
        #expect(decodeRequests(input) == .error([], "ERR Protocol error: too big bulk count string"))
    }

    @Test func reportsAProtocolErrorOnceAndThenDiscardsInput() {
        var decoder = RESPRequestDecoder()
        decoder.append(bytes("PING\r\n*1\r\nfoo\r\nPING\r\n"))
        #expect((try? decoder.next()) == args("PING"))
        #expect(throws: RESPProtocolError.self) { try decoder.next() }
        decoder.append(bytes("PING\r\n"))
        #expect((try? decoder.next()) == .some(nil))
        #expect(decoder.bufferedByteCount == 0)
    }

    @Test func keepsCommandsBeforeAnErrorInTheSamePipeline() {
        #expect(decodeRequests("PING\r\n*1\r\n$4\r\nECHO\r\n*x\r\n") == .error([args("PING"), args("ECHO")], "ERR Protocol error: invalid multibulk length"))
    }
}

@Suite("Request parser: inline commands")
struct InlineRequestTests {
    @Test func parsesTelnetStyleCommands() {
        #expect(decodeRequests("SET key value\r\nGET key\n") == .commands([args("SET", "key", "value"), args("GET", "key")]))
    }

    @Test func skipsEmptyLines() {
        // Redis's "Handle an empty query".
        #expect(decodeRequests("\r\n\n   \r\nPING\r\n") == .commands([args("PING")]))
    }

    @Test func inlineGivesTheSameResultAtEverySplitPoint() {
        let input = bytes("set \"a b\" 'c\\'d'\r\nget \"\\x41\\n\"\n")
        for chunks in everySplit(input) {
            #expect(decodeRequests(chunks) == .commands([args("set", "a b", "c'd"), args("get", "A\n")]))
        }
    }

    @Test func rejectsUnbalancedQuotes() {
        // Redis's "Unbalanced number of quotes".
        #expect(decodeRequests("set \"\"\"test-key\"\"\" test-value\r\nping\r\n") == .error([], "ERR Protocol error: unbalanced quotes in request"))
    }

    @Test func answersALineOfBinaryGarbageStartingWithNULWithAnError() {
        // A NUL ends an inline line (as in Redis), so this line holds no argument; Redis would
        // stay silent, which leaves a client waiting for a reply that never comes.
        let input: [UInt8] = [0x00, 0xFF, 0xFE, 0x80, 0x0D, 0x0A]
        for chunks in everySplit(input) {
            #expect(decodeRequests(chunks) == .error([], "ERR Protocol error: NUL byte in inline request"))
        }
        #expect(decodeRequests([0x20, 0x00, 0x41, 0x0A]) == .error([], "ERR Protocol error: NUL byte in inline request"))
    }

    @Test func mixesInlineAndMultibulkInOnePipeline() {
        #expect(decodeRequests("PING\r\n*2\r\n$4\r\nECHO\r\n$2\r\nhi\r\nECHO there\r\n") == .commands([args("PING"), args("ECHO", "hi"), args("ECHO", "there")]))
    }
}
