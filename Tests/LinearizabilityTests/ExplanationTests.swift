import Testing
import Linearizability

@Suite struct ExplanationTests {
    @Test func namesTheFailingOperationPrefixAndConcurrentOperations() throws {
        let h = history(
            op(0, "write", 1, nil, key: "good", 0, 1),
            op(0, "write", 1, nil, key: "k", 2, 3),
            op(1, "write", 2, nil, key: "k", 4, 5),
            op(2, "write", 9, nil, key: "k", 5, 20),
            op(3, "read", nil, 1, key: "k", 6, 7))
        let result = check(history: h, model: RegisterModel())
        #expect(result.verdict == .notLinearizable)
        let ex = try #require(result.explanation)
        #expect(ex.key == "k")
        #expect(ex.failing.id == 4)
        // The search tries entries in time order: write 1, write 2, write 9, then meets the read.
        #expect(ex.longestPrefix.map(\.id) == [1, 2, 3])
        #expect(ex.stateAfterPrefix == "9")
        #expect(ex.concurrent.map(\.id) == [3])
        #expect(ex.text.contains("key k"))
    }

    @Test func htmlReportShowsTheFailure() throws {
        let h = history(op(0, "write", 1, nil, 0, 1), op(1, "read", nil, 5, 2, 3))
        let result = check(history: h, model: RegisterModel())
        let page = HTMLReport.render(history: h, result: result, title: "t<1>")
        #expect(page.contains("<svg"))
        #expect(page.contains("class=\"failbox\""))
        #expect(page.contains("t&lt;1&gt;"))
    }

    @Test func linearizableResultHasNoExplanation() {
        let result = check(history: history(op(0, "write", 1, nil, 0, 1)), model: RegisterModel())
        #expect(result.verdict == .linearizable)
        #expect(result.explanation == nil)
    }

    @Test func timeBudgetTurnsIntoUnknown() {
        // 40 concurrent indeterminate writes of distinct values and reads that no order satisfies
        // make a search far longer than a microsecond budget.
        var ops: [Operation] = []
        for i in 0..<40 { ops.append(op(i, "write", .int(Int64(i)), nil, 0, nil)) }
        for i in 0..<20 { ops.append(op(100 + i, "read", nil, .int(Int64(i % 3)), Int64(10 + 2 * i), Int64(11 + 2 * i))) }
        ops.append(op(200, "read", nil, 999, 100, 101))
        let result = check(history: history(ops), model: RegisterModel(), options: CheckOptions(timeout: 1e-6, sliceSteps: 1))
        if case .unknown = result.verdict {} else { Issue.record("expected unknown, got \(result.verdict)") }
    }

    @Test func memoryBudgetTurnsIntoUnknown() {
        var ops: [Operation] = []
        for i in 0..<40 { ops.append(op(i, "write", .int(Int64(i)), nil, 0, nil)) }
        ops.append(op(200, "read", nil, 999, 100, 101))
        let result = check(history: history(ops), model: RegisterModel(), options: CheckOptions(memoryLimitBytes: 1 << 16, sliceSteps: 100))
        if case .unknown = result.verdict {} else { Issue.record("expected unknown, got \(result.verdict)") }
    }
}
