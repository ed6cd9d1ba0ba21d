import Testing
@testable import KeyValueStore

/// The strict reader of pyraft's `repr` output: every literal form repr writes, and nothing
/// that would need evaluating.
@Suite struct PythonLiteralTests {
    func parse(_ s: String) throws(PythonLiteralError) -> PythonLiteral { try PythonLiteralParser.parse(Array(s.utf8)) }
    func str(_ s: String) -> PythonLiteral { .string(Array(s.utf8)) }

    @Test func readsWhatReprWritesForStrings() throws {
        #expect(try parse(#"'plain'"#) == str("plain"))
        #expect(try parse(#""it's""#) == str("it's"))
        #expect(try parse(#"'it\'s "q"'"#) == str(#"it's "q""#))
        #expect(try parse(#"'a\nb\tc\\d'"#) == str("a\nb\tc\\d"))
        #expect(try parse(#"'\x01\x7f'"#) == .string([0x01, 0x7F]))
        #expect(try parse(#"'\xe9'"#) == str("é"), "a code point below 256 in a str is a character, written as UTF-8")
        #expect(try parse(#"'\u2713 \U0001F600'"#) == str("✓ 😀"))
        #expect(try parse("'héllo ✓'") == str("héllo ✓"))
        #expect(try parse(#"b'\x00\xff'"#) == .bytes([0x00, 0xFF]))
        #expect(try parse(#"'\q'"#) == str(#"\q"#), "Python keeps an unknown escape as written")
    }

    @Test func readsNumbersConstantsAndContainers() throws {
        #expect(try parse("12") == .integer("12"))
        #expect(try parse("-7") == .integer("-7"))
        #expect(try parse("123456789012345678901234567890") == .integer("123456789012345678901234567890"))
        #expect(try parse("1796243608.494") == .float(1796243608.494))
        #expect(try parse("1e+20") == .float(1e20))
        #expect(try parse("True") == .bool(true))
        #expect(try parse("None") == .none)
        #expect(try parse("[1, 'a', []]") == .list([.integer("1"), str("a"), .list([])]))
        #expect(try parse("(1,)") == .tuple([.integer("1")]))
        #expect(try parse("(1)") == .integer("1"))
        #expect(try parse("()") == .tuple([]))
        #expect(try parse("{1, 2}") == .set([.integer("1"), .integer("2")]))
        #expect(try parse("set()") == .set([]))
        #expect(try parse("{'a': {}, 'b': [1,],}") == .dict([(str("a"), .dict([])), (str("b"), .list([.integer("1")]))]))
    }

    @Test func refusesAnythingThatWouldNeedEvaluating() {
        for text in ["__import__('os').system('true')", "open('x')", "1 + 2", "{'a': b}", "[1, 2", "'unterminated", "{'a' 1}", "x", "[1] [2]"] {
            #expect(throws: PythonLiteralError.self, "\(text)") { try parse(text) }
        }
    }

    @Test func errorsNameLineAndColumn() {
        do throws(PythonLiteralError) {
            _ = try parse("{'a': 1,\n 'b': oops}")
            Issue.record("expected an error")
        } catch {
            #expect(error.line == 2)
            #expect(error.column == 7)
            #expect(error.message.contains("'oops' is not a literal"))
        }
    }

    @Test func deepNestingIsAnErrorNotACrash() {
        let deep = String(repeating: "[", count: 100_000) + String(repeating: "]", count: 100_000)
        #expect(throws: PythonLiteralError.self) { try parse(deep) }
    }
}
