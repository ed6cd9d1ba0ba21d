import Testing
@testable import RESP

@Suite("Encoder: byte-exact RESP2 and RESP3")
struct EncoderTests {
    func wire(_ value: RESPValue, _ version: RESPVersion) -> String {
        String(decoding: RESPEncoder.encode(value, version: version), as: UTF8.self)
    }

    /// (value, RESP2 bytes, RESP3 bytes)
    static let cases: [(RESPValue, String, String)] = [
        (.simpleString("OK"), "+OK\r\n", "+OK\r\n"),
        (.error("ERR syntax error"), "-ERR syntax error\r\n", "-ERR syntax error\r\n"),
        (.integer(0), ":0\r\n", ":0\r\n"),
        (.integer(-42), ":-42\r\n", ":-42\r\n"),
        (.integer(.max), ":9223372036854775807\r\n", ":9223372036854775807\r\n"),
        (.integer(.min), ":-9223372036854775808\r\n", ":-9223372036854775808\r\n"),
        (.bulk("hello"), "$5\r\nhello\r\n", "$5\r\nhello\r\n"),
        (.bulk(""), "$0\r\n\r\n", "$0\r\n\r\n"),
        (.bulkString(nil), "$-1\r\n", "_\r\n"),
        (.array(nil), "*-1\r\n", "_\r\n"),
        (.array([]), "*0\r\n", "*0\r\n"),
        (.array([.integer(1), .bulk("a")]), "*2\r\n:1\r\n$1\r\na\r\n", "*2\r\n:1\r\n$1\r\na\r\n"),
        (.null, "$-1\r\n", "_\r\n"),
        (.double(1.5), "$3\r\n1.5\r\n", ",1.5\r\n"),
        (.double(3), "$1\r\n3\r\n", ",3\r\n"),
        (.double(-0.25), "$5\r\n-0.25\r\n", ",-0.25\r\n"),
        (.double(.infinity), "$3\r\ninf\r\n", ",inf\r\n"),
        (.double(-.infinity), "$4\r\n-inf\r\n", ",-inf\r\n"),
        (.double(.nan), "$3\r\nnan\r\n", ",nan\r\n"),
        (.boolean(true), ":1\r\n", "#t\r\n"),
        (.boolean(false), ":0\r\n", "#f\r\n"),
        (
            .map([.init(.bulk("a"), .integer(1)), .init(.bulk("b"), .null)]),
            "*4\r\n$1\r\na\r\n:1\r\n$1\r\nb\r\n$-1\r\n",
            "%2\r\n$1\r\na\r\n:1\r\n$1\r\nb\r\n_\r\n"
        ),
        (.set([.bulk("x")]), "*1\r\n$1\r\nx\r\n", "~1\r\n$1\r\nx\r\n"),
        (.push([.bulk("message"), .bulk("ch")]), "*2\r\n$7\r\nmessage\r\n$2\r\nch\r\n", ">2\r\n$7\r\nmessage\r\n$2\r\nch\r\n"),
        (.verbatimString(format: "txt", text: bytes("Some string")), "$11\r\nSome string\r\n", "=15\r\ntxt:Some string\r\n"),
        (.bigNumber("3492890328409238509324850943850943825024385"), "$43\r\n3492890328409238509324850943850943825024385\r\n", "(3492890328409238509324850943850943825024385\r\n"),
    ]

    @Test func encodesEveryTypeExactly() {
        for (value, resp2, resp3) in Self.cases {
            #expect(wire(value, .resp2) == resp2, "RESP2 of \(value)")
            #expect(wire(value, .resp3) == resp3, "RESP3 of \(value)")
        }
    }

    @Test func downgradesNestedRESP3ValuesInsideRESP2Arrays() {
        let value = RESPValue.array([.map([.init(.bulk("k"), .boolean(true))]), .set([.double(2.5)])])
        #expect(wire(value, .resp2) == "*2\r\n*2\r\n$1\r\nk\r\n:1\r\n*1\r\n$3\r\n2.5\r\n")
    }

    @Test func replacesLineBreaksInSimpleStringsAndErrors() {
        #expect(wire(.error("ERR bad\r\nthing"), .resp2) == "-ERR bad  thing\r\n")
        #expect(wire(.simpleString("a\nb"), .resp3) == "+a b\r\n")
    }

    @Test func writesBinaryBulkStringsUnchanged() {
        let payload: [UInt8] = [0, 0x0D, 0x0A, 0xFF]
        #expect(RESPEncoder.encode(.bulkString(payload), version: .resp2) == bytes("$4\r\n") + payload + bytes("\r\n"))
    }

    @Test func appendsToAnExistingBuffer() {
        var out = bytes("prefix")
        RESPEncoder.encode(.integer(7), version: .resp3, into: &out)
        #expect(out == bytes("prefix:7\r\n"))
    }
}
