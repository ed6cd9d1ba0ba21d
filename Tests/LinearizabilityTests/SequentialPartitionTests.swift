import Testing
import Linearizability

/// Partitions whose operations never overlap are decided by replaying the model in call order
/// (there is exactly one order); the verdicts and explanations must be the search's.
@Suite struct SequentialPartitionTests {
    let kv = KeyValueModel()

    @Test func aSingleClientHistoryOverSeveralKeysIsDecidedByReplay() {
        let h = history(
            op(0, "append", "a", nil, key: "x", 0, 1), op(0, "put", "p", nil, key: "y", 2, 3),
            op(0, "append", "b", nil, key: "x", 4, 5), op(0, "get", nil, "ab", key: "x", 6, 7),
            op(0, "get", nil, "p", key: "y", 8, 9), op(0, "get", nil, "", key: "z", 10, 11))
        let result = check(history: h, model: kv)
        #expect(result.verdict == .linearizable)
        #expect(result.partitions.count == 3)
        #expect(result.partitions.allSatisfy { $0.linearizable == true })
        #expect(result.operationCount == 6)
    }

    @Test func aStaleReadInASingleClientHistoryIsCaughtAndExplained() throws {
        let h = history(
            op(0, "append", "a", nil, key: "x", 0, 1), op(0, "get", nil, "", key: "y", 2, 3),
            op(0, "append", "b", nil, key: "x", 4, 5), op(0, "get", nil, "a", key: "x", 6, 7),
            op(0, "append", "c", nil, key: "x", 8, 9))
        let result = check(history: h, model: kv)
        #expect(result.verdict == .notLinearizable)
        let ex = try #require(result.explanation)
        #expect(ex.key == "x")
        #expect(ex.failing.id == 3)
        #expect(ex.longestPrefix.map(\.id) == [0, 2])
        #expect(ex.stateAfterPrefix == "\"ab\"")
        #expect(ex.concurrent.isEmpty)
        #expect(ex.partitionOperations.map(\.id) == [0, 2, 3, 4])
    }

    @Test func operationsListedOutOfTimeOrderAreReplayedInCallOrder() {
        // The array lists the read first; by time it follows both appends.
        let legal = history(
            op(0, "get", nil, "ab", key: "x", 6, 7), op(0, "append", "a", nil, key: "x", 0, 1),
            op(0, "append", "b", nil, key: "x", 2, 3))
        #expect(verdict(legal, kv) == .linearizable)
        let illegal = history(
            op(0, "get", nil, "ba", key: "x", 6, 7), op(0, "append", "a", nil, key: "x", 0, 1),
            op(0, "append", "b", nil, key: "x", 2, 3))
        #expect(verdict(illegal, kv) == .notLinearizable)
    }

    @Test func operationsThatTouchAtAnInstantOverlap() {
        // The read's call is the write's return: they overlap, so the read may go first.
        let h = history(op(0, "write", 1, nil, 0, 1), op(1, "read", nil, nil, 1, 2))
        #expect(verdict(h, RegisterModel()) == .linearizable)
        // One tick apart they do not, and the read must see the write.
        let apart = history(op(0, "write", 1, nil, 0, 1), op(1, "read", nil, nil, 2, 3))
        #expect(verdict(apart, RegisterModel()) == .notLinearizable)
    }

    @Test func aPartitionWithAnIndeterminateOperationIsSearched() {
        // The append never returned: it may land after the first get, so this is linearizable,
        // which a replay in call order (append, get "", get "a") would wrongly reject.
        let h = history(
            op(0, "append", "a", nil, key: "x", 0, nil), op(1, "get", nil, "", key: "x", 2, 3),
            op(1, "get", nil, "a", key: "x", 4, 5))
        #expect(verdict(h, kv) == .linearizable)
    }

    @Test func replayAndSearchAgreeOnEveryKeyOfAMixedHistory() {
        // Key x is sequential (replayed), key y has two overlapping appends (searched): the history
        // is illegal only through y.
        let h = history(
            op(0, "append", "a", nil, key: "x", 0, 1), op(0, "get", nil, "a", key: "x", 2, 3),
            op(1, "append", "1", nil, key: "y", 0, 5), op(2, "append", "2", nil, key: "y", 1, 4),
            op(1, "get", nil, "3", key: "y", 6, 7))
        let result = check(history: h, model: kv)
        #expect(result.verdict == .notLinearizable)
        #expect(result.explanation?.key == "y")
    }
}
