import Testing
import Linearizability

/// Long histories stay within their memory budget: decided partitions free their search, and a
/// budget too small ends as unknown, never as a crash. (The bench-sized form, a million operations
/// over a thousand keys, is `raft-chaos bench --long 1000000`: docs/BENCHMARKS.md.)
@Suite struct LongHistoryTests {
    @Test func aLongHistoryOverManyKeysChecksWithinASmallBudget() {
        let h = SyntheticHistory.registers(operations: 20_000, keys: 200, spread: 600)
        #expect(h.operations.count == 20_000)
        let result = check(history: h, model: RegisterModel(), options: CheckOptions(timeout: 60, memoryLimitBytes: 16 << 20))
        #expect(result.verdict == .linearizable, "\(result.verdict)")
        #expect(result.partitions.count == 200)
    }

    @Test func aBudgetTooSmallEndsAsUnknown() {
        let h = SyntheticHistory.registers(operations: 5_000, keys: 5, spread: 40)
        let result = check(history: h, model: RegisterModel(), options: CheckOptions(timeout: 60, memoryLimitBytes: 64 << 10))
        guard case .unknown(let why) = result.verdict else {
            Issue.record("expected unknown, got \(result.verdict)")
            return
        }
        #expect(why.contains("memory budget"))
    }
}
