import Testing
import Linearizability

/// The search orders calls and returns one way when the history's times span less than 2^30
/// (packed integers) and another when they span more (nanosecond clocks over seconds): the
/// same history at both scales must get the same verdict and the same explanation.
@Suite struct TimeScaleTests {
    static func scaled(_ h: History, by factor: Int64) -> History {
        var ops = h.operations
        for i in ops.indices {
            ops[i].callTime *= factor
            ops[i].returnTime = ops[i].returnTime.map { $0 * factor }
        }
        return History(operations: ops)
    }

    @Test(arguments: [RandomizedHistoryTests.Store.casRegister, .keyValue])
    func aHistoryChecksAlikeAtEveryTimeScale(_ store: RandomizedHistoryTests.Store) {
        let model: any Model = store == .casRegister ? CASRegisterModel() : KeyValueModel()
        for seed in UInt64(200)...220 {
            let h = RandomizedHistoryTests.simulate(store, seed: seed)
            for history in [h, RandomizedHistoryTests.corrupt(h, seed: seed) ?? h] {
                let small = check(history: history, model: model, options: CheckOptions(workers: 1))
                let large = check(history: Self.scaled(history, by: 1 << 31), model: model, options: CheckOptions(workers: 1))
                #expect(small.verdict == large.verdict, "seed \(seed)")
                #expect(small.explanation?.failing.id == large.explanation?.failing.id, "seed \(seed)")
                #expect(small.explanation?.longestPrefix.map(\.id) == large.explanation?.longestPrefix.map(\.id), "seed \(seed)")
            }
        }
    }
}
