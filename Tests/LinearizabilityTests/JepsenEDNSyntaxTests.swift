import Testing
import Linearizability

/// Everything Jepsen and Knossos write reads as the same two-operation history; every unreadable
/// input names its line, its column and what was expected.
@Suite struct JepsenEDNSyntaxTests {
    func parse(_ text: String) throws -> History {
        try HistoryReader.parse(Array(text.utf8), format: .edn)
    }

    /// A write of 1 then a read of 1, with `extra` spliced into the first event map.
    func writeThenRead(_ extra: String = "", value: String = "1") -> String {
        """
        {:process 0, :type :invoke, :f :write, :value \(value)\(extra)}
        {:process 0, :type :ok, :f :write, :value \(value)}
        {:process 1, :type :invoke, :f :read, :value nil}
        {:process 1, :type :ok, :f :read, :value \(value)}
        """
    }

    func expectWriteThenRead(_ h: History, _ value: Value = 1, sourceLocation: SourceLocation = #_sourceLocation) {
        #expect(h.operations.map(\.function) == ["write", "read"], sourceLocation: sourceLocation)
        #expect(h.operations.first?.input == value, sourceLocation: sourceLocation)
        #expect(h.operations.last?.output == value, sourceLocation: sourceLocation)
    }

    @Test func commentsAnywhere() throws {
        let h = try parse("""
            ; a history annotated by hand
            {:process 0, ; who
             :type :invoke, :f :write, :value 1} ; the call
            #! a shebang-style comment
            {:process 0, :type :ok, :f :write, :value 1}
            {:process 1, :type :invoke, :f :read, :value nil}
            {:process 1, :type :ok, :f :read, :value ; the value read
             1}
            ;; trailing comment with no newline
            """)
        expectWriteThenRead(h)
    }

    @Test func discardsOfFormsAndFields() throws {
        expectWriteThenRead(try parse("#_{:process 9, :type :invoke} " + writeThenRead(" #_ :index #_ 7")))
        expectWriteThenRead(try parse(writeThenRead(", :note #_ #_ [1 2] (3) \"kept\"")))
        expectWriteThenRead(try parse("[" + writeThenRead() + " #_{:process 5}]"))
    }

    @Test func fieldsTheCheckerDoesNotNeed() throws {
        let h = try parse(writeThenRead(
            ", :index 0, :time 12, :error [:timeout {:ms 100}], :node \"n1\", :debug #{:a :b}, :ratio 22/7, :big 123456789012345678901234567890N, :f2 1.5e3, :d 2.5M, :c \\a, :inf ##Inf, :meta ^{:tag 1} [x]"))
        expectWriteThenRead(h)
    }

    @Test func taggedLiteralsReadAsTheirValue() throws {
        let h = try parse("""
            #jepsen.history.Op{:index 0, :time 1, :type :invoke, :process 0, :f :write, :value 1, :at #inst "2024-01-01T00:00:00.000-00:00"}
            #jepsen.history.Op{:index 1, :time 2, :type :ok, :process 0, :f :write, :value 1}
            #jepsen.history.Op{:index 2, :time 3, :type :invoke, :process 1, :f :read, :value nil}
            #jepsen.history.Op{:index 3, :time 4, :type :ok, :process 1, :f :read, :value 1}
            """)
        expectWriteThenRead(h)
        #expect(h.operations[0].callTime == 1 && h.operations[0].returnTime == 2)
        #expect(try parse(writeThenRead(value: "#my/tag 1")).operations[0].input == 1)
    }

    @Test func topLevelVectorListOrBareSequence() throws {
        expectWriteThenRead(try parse(writeThenRead()))
        expectWriteThenRead(try parse("[" + writeThenRead() + "]"))
        expectWriteThenRead(try parse("(" + writeThenRead() + ")"))
        expectWriteThenRead(try parse("[\n" + writeThenRead().replacingOccurrences(of: "\n", with: ",\n") + "\n]\n"))
    }

    @Test func valuesOfEveryKind() throws {
        expectWriteThenRead(try parse(writeThenRead(value: ":jepsen.tests/ok")), ":jepsen.tests/ok")
        expectWriteThenRead(try parse(writeThenRead(value: "\"a \\\"quoted\\\" \\\\ \\u00e9 \\t end\"")), .string("a \"quoted\" \\ é \t end"))
        expectWriteThenRead(try parse(writeThenRead(value: "123456789012345678901234567890N")), "123456789012345678901234567890")
        expectWriteThenRead(try parse(writeThenRead(value: "22/7")), "22/7")
        expectWriteThenRead(try parse(writeThenRead(value: "-5N")), -5)
        expectWriteThenRead(try parse(writeThenRead(value: "\\newline")), "\n")
        expectWriteThenRead(try parse(writeThenRead(value: "\\u0041")), "A")
        expectWriteThenRead(try parse(writeThenRead(value: "#{3}")), [3])
        expectWriteThenRead(try parse(writeThenRead(value: "(1 2)")), [1, 2])
        expectWriteThenRead(try parse(writeThenRead(value: "{:a 1}")), [[":a", 1]])
    }

    @Test func namespacedKeywordsAndNamespacedMaps() throws {
        let h = try parse(writeThenRead(", :jepsen.history/extra 1, :x #:ns{:a 1, :b/c 2}"))
        expectWriteThenRead(h)
    }

    @Test func eachUnreadableInputNamesLineColumnAndWhatWasExpected() {
        func failure(_ text: String) -> HistoryReadError? {
            do {
                _ = try parse(text)
                return nil
            } catch let e as HistoryReadError {
                return e
            } catch {
                return nil
            }
        }
        let unclosed = failure("{:process 0, :type :invoke, :f :write, :value 1}\n{:process 0, :type :ok,\n :f :write")
        #expect(unclosed?.line == 3)
        #expect(unclosed?.description.contains("expected '}'") == true)

        let stray = failure("{:process 0, :type :invoke, :f :write, :value 1}\n  ]")
        #expect(stray?.line == 2 && stray?.column == 3, "\(String(describing: stray))")
        #expect(stray?.description.contains("line 2, column 3") == true)

        let badString = failure("{:process 0, :type :invoke, :f :write, :value \"a\\qb\"}")
        #expect(badString?.column == 50, "\(String(describing: badString))")
        #expect(badString?.description.contains("expected an escape") == true)

        let badNumber = failure("{:process 0, :type :invoke, :f :write, :value 12ab}")
        #expect(badNumber?.column == 47 && badNumber?.description.contains("expected a number") == true)

        #expect(failure("[1 2 3]")?.description.contains("expected a map per operation event") == true)
        #expect(failure("{:process 0, :type :invoke, :f :write, :value \"open")?.description.contains("close the string") == true)
        #expect(failure("{:process 0 :type}")?.description.contains("expected a value") == true)
        #expect(failure("#")?.line == 1)
        #expect(failure("{:process 0, :type :invoke, :f :read, :value ##Nope}")?.description.contains("##Inf") == true)
        #expect(failure("{:process 0, :type :invoke, :f :read, :value \\bogus}")?.description.contains("character name") == true)
        #expect(failure("{:process 0, :type :invoke, :f :read, :value " + String(repeating: "[", count: 100))?.description.contains("nesting") == true)
    }

    @Test func aMegabyteReadsQuickly() throws {
        // About 1 MB of Jepsen 0.3 events; the budget is generous for debug builds and a busy
        // machine (release reads it in well under 50 ms: see docs/BENCHMARKS.md).
        var text = ""
        var t = 0
        while text.utf8.count < 1_000_000 {
            let p = t % 10
            text += "#jepsen.history.Op{:index \(2 * t), :time \(10 * t), :type :invoke, :process \(p), :f :write, :key \"k\(t % 7)\", :value \(t)}\n"
            text += "#jepsen.history.Op{:index \(2 * t + 1), :time \(10 * t + 5), :type :ok, :process \(p), :f :write, :key \"k\(t % 7)\", :value \(t)}\n"
            t += 1
        }
        let clock = ContinuousClock()
        var h: History?
        let elapsed = try clock.measure { h = try parse(text) }
        #expect(h?.operations.count == t)
        #expect(elapsed < .seconds(5), "1 MB took \(elapsed)")
    }
}
