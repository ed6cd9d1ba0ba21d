import Testing
import Linearizability

@Suite struct KeyValueHistoryTests {
    let kv = KeyValueModel()
    let map = MapModel()

    @Test func appendsConcatenateInLinearizationOrder() {
        let h = history(
            op(0, "append", "a", nil, key: "k", 0, 5), op(1, "append", "b", nil, key: "k", 1, 6),
            op(2, "get", nil, "ba", key: "k", 7, 8))
        #expect(verdict(h, kv) == .linearizable)
    }

    @Test func getMustSeeBothCompletedAppends() {
        let h = history(
            op(0, "append", "a", nil, key: "k", 0, 1), op(1, "append", "b", nil, key: "k", 2, 3),
            op(2, "get", nil, "b", key: "k", 4, 5))
        #expect(verdict(h, kv) == .notLinearizable)
    }

    @Test func initialValueIsEmptyString() {
        #expect(verdict(history(op(0, "get", nil, "", key: "k", 0, 1)), kv) == .linearizable)
        #expect(verdict(history(op(0, "get", nil, "x", key: "k", 0, 1)), kv) == .notLinearizable)
    }

    @Test func putReplacesTheValue() {
        let h = history(
            op(0, "append", "a", nil, key: "k", 0, 1), op(0, "put", "z", nil, key: "k", 2, 3),
            op(0, "append", "b", nil, key: "k", 4, 5), op(1, "get", nil, "zb", key: "k", 6, 7))
        #expect(verdict(h, kv) == .linearizable)
    }

    @Test func indeterminateAppendMayLandLater() {
        let h = history(
            op(0, "append", "a", nil, key: "k", 0, nil), op(1, "append", "b", nil, key: "k", 1, 2),
            op(2, "get", nil, "b", key: "k", 3, 4), op(2, "get", nil, "ba", key: "k", 5, 6))
        #expect(verdict(h, kv) == .linearizable)
    }

    @Test func mapSetGetDel() {
        let ok = history(
            op(0, "set", "v1", nil, key: "k", 0, 1), op(1, "get", nil, "v1", key: "k", 2, 3),
            op(0, "del", nil, 1, key: "k", 4, 5), op(1, "get", nil, nil, key: "k", 6, 7))
        #expect(verdict(ok, map) == .linearizable)
        let resurrected = history(
            op(0, "set", "v1", nil, key: "k", 0, 1), op(0, "del", nil, 1, key: "k", 2, 3),
            op(1, "get", nil, "v1", key: "k", 4, 5))
        #expect(verdict(resurrected, map) == .notLinearizable)
        let wrongCount = history(op(0, "del", nil, 1, key: "k", 0, 1))
        #expect(verdict(wrongCount, map) == .notLinearizable)
    }

    @Test func mapIndeterminateDelMayOrMayNotHappen() {
        let gone = history(
            op(0, "set", "v1", nil, key: "k", 0, 1), op(0, "del", nil, nil, key: "k", 2, nil),
            op(1, "get", nil, nil, key: "k", 4, 5))
        let kept = history(
            op(0, "set", "v1", nil, key: "k", 0, 1), op(0, "del", nil, nil, key: "k", 2, nil),
            op(1, "get", nil, "v1", key: "k", 4, 5))
        #expect(verdict(gone, map) == .linearizable)
        #expect(verdict(kept, map) == .linearizable)
    }
}
