import Testing
@testable import RESP

@Suite("RESPValue helpers")
struct ValueHelperTests {
    @Test func commandBuildsAnArrayOfBulkStringsThatTheRequestParserReadsBack() {
        let wire = RESPEncoder.encode(.command("SET", "k", "v w"), version: .resp2)
        #expect(wire == bytes("*3\r\n$3\r\nSET\r\n$1\r\nk\r\n$3\r\nv w\r\n"))
        #expect(decodeRequests(wire) == .commands([args("SET", "k", "v w")]))
        let binary: [[UInt8]] = [bytes("SET"), [0, 13, 10]]
        #expect(decodeRequests(RESPEncoder.encode(.command(binary), version: .resp3)) == .commands([binary]))
    }

    @Test func stringBytesReadsTheStringKindsOnly() {
        #expect(RESPValue.bulk("x").stringValue == "x")
        #expect(RESPValue.simpleString("OK").stringValue == "OK")
        #expect(RESPValue.verbatimString(format: "txt", text: bytes("t")).stringValue == "t")
        #expect(RESPValue.integer(1).stringBytes == nil)
        #expect(RESPValue.nullBulk.stringBytes == nil)
    }
}
