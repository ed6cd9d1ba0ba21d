import Testing
@testable import RESP

@Suite("Reply parser")
struct ReplyParserTests {
    func parseAll(_ chunks: [[UInt8]], limits: RESPReplyParser.Limits = .init()) throws(RESPProtocolError) -> [RESPValue] {
        var decoder = RESPReplyDecoder(limits: limits)
        var values: [RESPValue] = []
        for chunk in chunks {
            decoder.append(chunk)
            while let value = try decoder.next() { values.append(value) }
        }
        return values
    }

    static let samples: [RESPValue] = [
        .simpleString("OK"), .error("ERR no"), .integer(-7), .bulk("a\r\nb"), .array([]), .null, .double(1.25), .double(-.infinity), .boolean(true), .boolean(false),
        .map([.init(.bulk("a"), .array([.integer(1), .map([])])), .init(.integer(2), .set([.bulk("z")]))]),
        .set([]), .push([.bulk("message"), .bulk("x")]), .verbatimString(format: "mkd", text: bytes("# hi")),
        .bigNumber("-12345678901234567890"),
        .array([.array([.array([.bulk("deep"), .null])]), .bulkString([0, 255])]),
    ]

    @Test func roundTripsEveryRESP3ValueThroughTheEncoder() throws {
        for value in Self.samples {
            let wire = RESPEncoder.encode(value, version: .resp3)
            #expect(try parseAll([wire]) == [value])
        }
    }

    @Test func parsesRESP2DowngradesAsTheirRESP2Shapes() throws {
        let wire = RESPEncoder.encode(.map([.init(.bulk("k"), .boolean(true))]), version: .resp2)
        #expect(try parseAll([wire]) == [.array([.bulk("k"), .integer(1)])])
    }

    @Test func givesTheSameValuesAtEverySplitPoint() throws {
        let wire = Self.samples.flatMap { RESPEncoder.encode($0, version: .resp3) }
        for chunks in everySplit(wire) {
            #expect(try parseAll(chunks) == Self.samples)
        }
    }

    @Test func readsRESP2NullsAsNullBulkAndNullArrayAndRESP3NullAsNull() throws {
        #expect(try parseAll([bytes("$-1\r\n*-1\r\n_\r\n")]) == [.bulkString(nil), .array(nil), .null])
        // RESP3 has one null, so both RESP2 nulls come back as `.null`.
        let wire = RESPEncoder.encode(.array([.bulkString(nil), .array(nil)]), version: .resp3)
        #expect(try parseAll([wire]) == [.array([.null, .null])])
    }

    @Test func parsesBlobErrors() throws {
        #expect(try parseAll([bytes("!21\r\nSYNTAX invalid syntax\r\n")]) == [.error("SYNTAX invalid syntax")])
    }

    @Test func dropsAttributesAndKeepsTheValueTheyAnnotate() throws {
        let wire = bytes("|1\r\n+key-popularity\r\n%1\r\n$1\r\na\r\n,0.19\r\n*2\r\n:2\r\n|0\r\n:3\r\n+after\r\n")
        for chunks in everySplit(wire) {
            #expect(try parseAll(chunks) == [.array([.integer(2), .integer(3)]), .simpleString("after")])
        }
    }

    @Test func acceptsLooseIntegersFromOtherServers() throws {
        #expect(try parseAll([bytes(":+5\r\n:007\r\n:-0\r\n")]) == [.integer(5), .integer(7), .integer(0)])
    }

    @Test func enforcesTheDepthLimit() throws {
        let nested = String(repeating: "*1\r\n", count: 10) + ":1\r\n"
        #expect(throws: RESPProtocolError.self) { try parseAll([bytes(nested)], limits: .init(maxDepth: 9)) }
        #expect(try parseAll([bytes(nested)], limits: .init(maxDepth: 10)).count == 1)
    }

    @Test func rejectsMalformedReplies() {
        let bad = [
            "?x\r\n", ":12a\r\n", "$3\r\nabcd\r\n", "#x\r\n", "_x\r\n", ",1.2.3x\r\n", ",0x1p3\r\n",
            "*-2\r\n", "$-2\r\n", "=2\r\nab\r\n", "+ok\rX", "$?\r\n",
        ]
        for text in bad {
            #expect(throws: RESPProtocolError.self, "\(text.debugDescription)") { try parseAll([bytes(text)]) }
        }
    }

    @Test func waitsForIncompleteReplies() throws {
        #expect(try parseAll([bytes("*2\r\n$5\r\nhel")]) == [])
        #expect(try parseAll([bytes("+OK\r")]) == [])
    }

    @Test func handlesAWideArrayArrivingInManyPieces() throws {
        let value = RESPValue.array((0..<5000).map { .integer(Int64($0)) })
        let wire = RESPEncoder.encode(value, version: .resp3)
        var chunks: [[UInt8]] = []
        var i = 0
        while i < wire.count {
            chunks.append(Array(wire[i..<min(i + 7, wire.count)]))
            i += 7
        }
        #expect(try parseAll(chunks) == [value])
    }
}
