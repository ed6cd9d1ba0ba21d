import Testing
@testable import RESP

/// Cases from Redis's sds.c / redis-cli behaviour for `sdssplitargs`.
@Suite("Inline quoting rules")
struct InlineSplitterTests {
    func split(_ s: String) -> [String]? {
        InlineCommandSplitter.split(bytes(s))?.map { String(decoding: $0, as: UTF8.self) }
    }

    @Test func splitsOnAnyWhitespace() {
        #expect(split("  set\tkey   value  ") == ["set", "key", "value"])
        #expect(split("") == [])
        #expect(split("   ") == [])
    }

    @Test func doubleQuotesKeepSpacesAndUnderstandEscapes() {
        #expect(split("set \"hello world\"") == ["set", "hello world"])
        #expect(split("\"a\\nb\\rc\\td\\be\\af\"") == ["a\nb\rc\td\u{8}e\u{7}f"])
        #expect(split("\"\\\"quoted\\\"\"") == ["\"quoted\""])
        #expect(split("\"\\z\"") == ["z"])
    }

    @Test func doubleQuotesDecodeHexEscapes() {
        #expect(InlineCommandSplitter.split(bytes("\"\\x00\\xff\\x41\\xA0\"")) == [[0x00, 0xFF, 0x41, 0xA0]])
        // Not two hex digits: the escape is read as a plain "\x".
        #expect(split("\"\\xg1\"") == ["xg1"])
    }

    @Test func singleQuotesAllowOnlyEscapedSingleQuote() {
        #expect(split("'a\\nb'") == ["a\\nb"])
        #expect(split("'it\\'s'") == ["it's"])
    }

    @Test func quotesInsideATokenJoinIt() {
        #expect(split("foo\"bar\"") == ["foobar"])
        #expect(split("a'b c'") == ["ab c"])
        #expect(split("\"\"") == [""])
    }

    @Test func closingQuoteMustBeFollowedBySpaceOrEnd() {
        #expect(split("\"foo\"bar") == nil)
        #expect(split("'foo'bar") == nil)
        #expect(split("\"foo\" bar") == ["foo", "bar"])
    }

    @Test func unterminatedQuotesAreErrors() {
        #expect(split("\"foo") == nil)
        #expect(split("'foo") == nil)
        #expect(split("\"foo\\\"") == nil)
        #expect(split("\"\\") == nil)
    }

    @Test func aNULByteEndsTheLineAsInRedis() {
        #expect(InlineCommandSplitter.split([0x61, 0x20, 0x62, 0x00, 0x63]) == [[0x61], [0x62]])
        #expect(InlineCommandSplitter.split([0x22, 0x61, 0x00, 0x22]) == nil)
    }
}
