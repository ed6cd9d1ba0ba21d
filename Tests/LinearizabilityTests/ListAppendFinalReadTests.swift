import Testing
import Linearizability

/// What the list-append check adds to serializability: the final reads' completeness (an
/// acknowledged append missing from a read made after every acknowledged append had returned is
/// lost) and, with `realtime`, real-time order (strict serializability).
@Suite struct ListAppendFinalReadTests {
    @Test func aFinalReadLackingAnAcknowledgedAppendNamesIt() throws {
        // T2's append of 2 was acknowledged, then the final read of x, called after it returned,
        // shows only 1. Serializability alone allows it (the read could go first); completeness not.
        let h = transactions([
            txn(1, [append("x", 1)], 0, 1),
            txn(2, [append("x", 2), append("y", 5)], 2, 3),
            txn(3, [read("x", [1])], 4, 5),
            txn(3, [read("y", [5])], 6, 7),
        ])
        let result = try ListAppend.check(history: h)
        #expect(result.isSerializable, "\(result.text)")
        #expect(!result.passed)
        let lost = try #require(result.lostAppends.first)
        #expect(result.lostAppends.count == 1)
        #expect(lost.key == "x" && lost.element == 2)
        #expect(lost.appender.operation.id == 1)
        #expect(lost.finalRead.operation.id == 2)
        #expect(lost.description.contains("#1 p2 [append x 2, append y 5]"), "\(lost.description)")
        #expect(result.words == "serializable, but 1 acknowledged append lost")
        #expect(result.text.contains("lost appends:"))
        #expect(try ListAppend.lostAppends(history: h).map(\.element) == [2])
    }

    @Test func aCompleteFinalReadPasses() throws {
        let h = transactions([
            txn(1, [append("x", 1)], 0, 1),
            txn(2, [append("x", 2)], 2, 3),
            txn(3, [read("x", [1, 2])], 4, 5),
        ])
        let result = try ListAppend.check(history: h)
        #expect(result.passed && result.lostAppends.isEmpty, "\(result.text)")
        #expect(result.words == "serializable")
    }

    @Test func onlyAcknowledgedAppendsAndOnlyReadsAfterThemCount() throws {
        // The append of 2 never returned: it may never have happened, so its absence is no loss.
        let indeterminate = transactions([
            txn(1, [append("x", 1)], 0, 1),
            txn(2, [append("x", 2)], 2, nil),
            txn(3, [read("x", [1])], 4, 5),
        ])
        #expect(try ListAppend.check(history: indeterminate).lostAppends.isEmpty)
        // The read was called while the append of 2 was still running (it returned at 5): not a
        // final read, and a serializable history.
        let overlapping = transactions([
            txn(1, [append("x", 1)], 0, 1),
            txn(2, [append("x", 2)], 2, 5),
            txn(3, [read("x", [1])], 5, 6),
        ])
        let result = try ListAppend.check(history: overlapping)
        #expect(result.passed, "\(result.text)")
    }

    @Test func aStaleReadIsCaughtOnlyByRealTimeOrder() throws {
        // T1's append returned before T2 began, yet T2 read x empty; T3 saw the append later (and
        // appended, so neither read is a final read: completeness has nothing to say).
        // Serializable (T2 can go before T1), not strict serializable: T1 <rt T2 <rw T1.
        let h = transactions([
            txn(1, [append("x", 1)], 0, 1),
            txn(2, [read("x", [])], 2, 3),
            txn(3, [read("x", [1]), append("y", 1)], 4, 5),
        ])
        let plain = try ListAppend.check(history: h)
        #expect(plain.isSerializable && plain.passed, "\(plain.text)")
        let strict = try ListAppend.check(history: h, realtime: true)
        #expect(strict.kinds == [.gSingleRealtime], "\(strict.text)")
        #expect(strict.words == "not strict serializable: G-single-realtime")
        let cycle = try #require(strict.anomalies.first)
        #expect(Set(cycle.transactions.map(\.operation.id)) == [0, 1])
        #expect(cycle.explanation.contains("completed before"), "\(cycle.explanation)")
        #expect(cycle.explanation.contains("did not observe"), "\(cycle.explanation)")
        #expect((strict.dependencyCounts[.rt] ?? 0) > 0)
    }

    @Test func operationsThatTouchAtAnInstantAreNotOrderedByTime() throws {
        // T2 was called at the instant T1 returned: concurrent, so T2 may precede T1.
        let h = transactions([
            txn(1, [append("x", 1)], 0, 2),
            txn(2, [read("x", [])], 2, 3),
            txn(3, [read("x", [1])], 4, 5),
        ])
        #expect(try ListAppend.check(history: h, realtime: true).isSerializable)
    }

    @Test func realTimeOrderLeavesDataCyclesAsTheyWere() throws {
        // The read skew of ListAppendTests: still G-single, not a -realtime kind.
        let h = transactions([
            txn(1, [append("x", 1), append("y", 1)], 0, 10),
            txn(2, [read("x", []), read("y", [1])], 0, 10),
            txn(3, [read("x", [1])], 11, 12),
        ])
        #expect(try ListAppend.check(history: h, realtime: true).kinds == [.gSingle])
    }

    @Test func generatedSerialExecutionsAreStrictSerializable() throws {
        // The generator's calls and returns surround each transaction's instant, so real-time
        // order never contradicts the serial order.
        for seed: UInt64 in 1...20 {
            for overlap: Int64 in [0, 25] {
                let run = SerialListAppendRun(transactions: 60, seed: seed, overlap: overlap)
                let result = try ListAppend.check(history: history(run.operations), realtime: true)
                #expect(result.isSerializable, "seed \(seed) overlap \(overlap): \(result.text)")
            }
        }
    }

    @Test func indeterminateTransactionsGetNoRealTimeEdgesOut() throws {
        // T1 never returned: it may have committed after T2 read x empty.
        let h = transactions([
            txn(1, [append("x", 1)], 0, nil),
            txn(2, [read("x", [])], 2, 3),
            txn(3, [read("x", [1])], 4, 5),
        ])
        #expect(try ListAppend.check(history: h, realtime: true).isSerializable)
    }
}
