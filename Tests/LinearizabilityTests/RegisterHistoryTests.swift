import Testing
import Linearizability

@Suite struct RegisterHistoryTests {
    let register = RegisterModel()
    let cas = CASRegisterModel()

    @Test func sequentialWriteThenReadIsLinearizable() {
        let h = history(op(0, "write", 1, nil, 0, 1), op(1, "read", nil, 1, 2, 3))
        #expect(verdict(h, register) == .linearizable)
    }

    @Test func staleReadAfterWriteReturnedIsNotLinearizable() {
        let h = history(op(0, "write", 1, nil, 0, 1), op(0, "write", 2, nil, 2, 3), op(1, "read", nil, 1, 4, 5))
        #expect(verdict(h, register) == .notLinearizable)
    }

    @Test func readConcurrentWithWriteMaySeeEitherValue() {
        let old = history(op(0, "write", 1, nil, 0, 1), op(0, "write", 2, nil, 2, 6), op(1, "read", nil, 1, 3, 4))
        let new = history(op(0, "write", 1, nil, 0, 1), op(0, "write", 2, nil, 2, 6), op(1, "read", nil, 2, 3, 4))
        #expect(verdict(old, register) == .linearizable)
        #expect(verdict(new, register) == .linearizable)
    }

    @Test func readsMustNotGoBackInTime() {
        // Two sequential reads inside one write: new then old is impossible.
        let h = history(
            op(0, "write", 0, nil, 0, 1), op(0, "write", 1, nil, 2, 10),
            op(1, "read", nil, 1, 3, 4), op(2, "read", nil, 0, 5, 6))
        #expect(verdict(h, register) == .notLinearizable)
    }

    @Test func initialValueIsNil() {
        #expect(verdict(history(op(0, "read", nil, nil, 0, 1)), register) == .linearizable)
        #expect(verdict(history(op(0, "read", nil, 0, 0, 1)), register) == .notLinearizable)
    }

    @Test func equalTimestampsCountAsConcurrent() {
        // The write returns at 5 and the read is called at 5: they overlap, so the read may go first.
        let h = history(op(0, "write", 1, nil, 0, 5), op(1, "read", nil, nil, 5, 6))
        #expect(verdict(h, register) == .linearizable)
        let later = history(op(0, "write", 1, nil, 0, 5), op(1, "read", nil, nil, 6, 7))
        #expect(verdict(later, register) == .notLinearizable)
    }

    @Test func indeterminateWriteMayTakeEffectLate() {
        // The write never returned: a much later read may still see it, and an earlier read not.
        let h = history(
            op(0, "write", 7, nil, 0, nil), op(1, "read", nil, nil, 1, 2), op(1, "read", nil, 7, 100, 101))
        #expect(verdict(h, register) == .linearizable)
    }

    @Test func indeterminateWriteMayNeverTakeEffect() {
        let h = history(op(0, "write", 7, nil, 0, nil), op(1, "read", nil, nil, 100, 101))
        #expect(verdict(h, register) == .linearizable)
    }

    @Test func indeterminateWriteTakesEffectAtMostOnce() {
        // Seen, overwritten, then seen again: that needs it to happen twice.
        let h = history(
            op(0, "write", 7, nil, 0, nil), op(1, "read", nil, 7, 1, 2), op(1, "write", 8, nil, 3, 4),
            op(1, "read", nil, 7, 5, 6))
        #expect(verdict(h, register) == .notLinearizable)
    }

    @Test func operationThatNeverReturnsCannotPrecedeItsCall() {
        let h = history(op(1, "read", nil, 7, 0, 1), op(0, "write", 7, nil, 2, nil))
        #expect(verdict(h, register) == .notLinearizable)
    }

    @Test func casSwapsOnlyFromTheExpectedValue() {
        let ok = history(op(0, "write", 1, nil, 0, 1), op(1, "cas", [1, 2], true, 2, 3), op(2, "read", nil, 2, 4, 5))
        let bad = history(op(0, "write", 1, nil, 0, 1), op(1, "cas", [3, 2], true, 2, 3))
        #expect(verdict(ok, cas) == .linearizable)
        #expect(verdict(bad, cas) == .notLinearizable)
    }

    @Test func failedCasObservesADifferentValue() {
        let ok = history(op(0, "write", 1, nil, 0, 1), op(1, "cas", [3, 2], false, 2, 3))
        let bad = history(op(0, "write", 1, nil, 0, 1), op(1, "cas", [1, 2], false, 2, 3))
        #expect(verdict(ok, cas) == .linearizable)
        #expect(verdict(bad, cas) == .notLinearizable)
    }

    @Test func indeterminateCasSwapsOrDoesNothing() {
        let took = history(op(0, "write", 1, nil, 0, 1), op(1, "cas", [1, 2], nil, 2, nil), op(2, "read", nil, 2, 5, 6))
        let didNot = history(op(0, "write", 1, nil, 0, 1), op(1, "cas", [1, 2], nil, 2, nil), op(2, "read", nil, 1, 5, 6))
        let impossible = history(op(0, "write", 1, nil, 0, 1), op(1, "cas", [5, 2], nil, 2, nil), op(2, "read", nil, 2, 5, 6))
        #expect(verdict(took, cas) == .linearizable)
        #expect(verdict(didNot, cas) == .linearizable)
        #expect(verdict(impossible, cas) == .notLinearizable)
    }

    @Test func identicalIndeterminateWritesAreStillCountedSeparately() {
        // Two lost writes of 1 may each take effect once: seen, overwritten, seen again is fine.
        let h = history(
            op(0, "write", 1, nil, 0, nil), op(1, "write", 1, nil, 0, nil), op(2, "read", nil, 1, 1, 2),
            op(2, "write", 3, nil, 3, 4), op(2, "read", nil, 1, 5, 6), op(2, "write", 3, nil, 7, 8),
            op(2, "read", nil, 1, 9, 10))
        #expect(verdict(h, register) == .notLinearizable)
        let twice = history(Array(h.operations.prefix(5)))
        #expect(verdict(twice, register) == .linearizable)
    }

    @Test func keysArePartitionedIndependently() {
        let h = history(
            op(0, "write", 1, nil, key: "a", 0, 1), op(1, "write", 2, nil, key: "b", 0, 1),
            op(2, "read", nil, 1, key: "a", 2, 3), op(2, "read", nil, 2, key: "b", 4, 5))
        #expect(verdict(h, register) == .linearizable)
        let crossed = history(
            op(0, "write", 1, nil, key: "a", 0, 1), op(1, "write", 2, nil, key: "b", 0, 1),
            op(2, "read", nil, 2, key: "a", 2, 3))
        #expect(verdict(crossed, register) == .notLinearizable)
    }

    @Test func emptyHistoryIsLinearizable() {
        #expect(verdict(history([]), cas) == .linearizable)
    }
}
