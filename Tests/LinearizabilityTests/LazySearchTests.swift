import Testing
import Linearizability

/// A partition's search is built when the scheduler first takes it: a check decided by an earlier
/// partition leaves the others unbuilt, reported as undecided.
@Suite struct LazySearchTests {
    @Test func partitionsNeverStartedAreReportedUndecided() throws {
        // Key a (three overlapping operations, searched first as the largest) is illegal at once;
        // key b (two overlapping operations) is never started with one worker.
        let h = history(
            op(0, "write", 1, nil, key: "a", 0, 10), op(1, "write", 2, nil, key: "a", 1, 11),
            op(2, "read", nil, 3, key: "a", 12, 13),
            op(3, "write", 1, nil, key: "b", 0, 10), op(4, "read", nil, 1, key: "b", 5, 12))
        let result = check(history: h, model: RegisterModel(), options: CheckOptions(workers: 1))
        #expect(result.verdict == .notLinearizable)
        #expect(result.operationCount == 5)
        let a = try #require(result.partitions.first { $0.key == "a" })
        let b = try #require(result.partitions.first { $0.key == "b" })
        #expect(a.linearizable == false && a.steps > 0)
        #expect(b.linearizable == nil && b.steps == 0 && b.operationCount == 2)
        #expect(result.explanation?.key == "a")
    }
}
