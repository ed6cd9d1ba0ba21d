import Testing
import Linearizability

/// The key-value model's states are searched as chains of appended texts, not as interned strings.
/// The two must agree on every history, also where texts repeat (so that equal strings are built
/// along different chains) and where a get expects a string of the right length but the wrong order.
@Suite struct KeyValueStateSpaceTests {
    /// The key-value model under another type: the checker does not recognise it, so its states
    /// are interned whole strings (the general path every other model takes).
    struct InternedKeyValue: Model {
        let kv = KeyValueModel()
        var name: String { "kv-interned" }
        var initialState: KeyValueModel.Text { kv.initialState }
        func step(_ state: KeyValueModel.Text, _ op: Operation) -> KeyValueModel.Text? { kv.step(state, op) }
        func isIrrelevant(_ op: Operation) -> Bool { kv.isIrrelevant(op) }
        func isReadOnly(_ op: Operation) -> Bool { kv.isReadOnly(op) }
        func validate(_ op: Operation) -> String? { kv.validate(op) }
    }

    /// Small histories over one key with repeated texts and random overlaps; gets expect strings
    /// from a small set, so some are right, some are permutations, some impossible.
    static func randomHistory(seed: UInt64) -> History {
        var rng = RandomizedHistoryTests.Generator(seed: seed)
        let appends = ["a", "b", "ab", "ba", ""]
        let puts = ["", "a", "ab"]
        let reads = ["", "a", "b", "ab", "ba", "aab", "abab", "aba", "bab"]
        var ops: [Operation] = []
        for p in 0..<(6 + rng.below(6)) {
            let call = Int64(rng.below(16))
            let ret: Int64? = rng.chance(10) ? nil : call + 1 + Int64(rng.below(6))
            switch rng.below(5) {
            case 0, 1: ops.append(op(p, "append", .string(appends[rng.below(appends.count)]), nil, key: "k", call, ret))
            case 2: ops.append(op(p, "put", .string(puts[rng.below(puts.count)]), nil, key: "k", call, ret))
            default:
                let expected: Value = rng.chance(10) ? .null : .string(reads[rng.below(reads.count)])
                ops.append(op(p, "get", nil, expected, key: "k", call, ret))
            }
        }
        return history(ops)
    }

    @Test func chainsAndInternedStringsGiveTheSameVerdicts() {
        var counts = (linearizable: 0, not: 0)
        for seed in UInt64(1)...400 {
            let h = Self.randomHistory(seed: seed &* 104_729)
            let chains = verdict(h, KeyValueModel(), workers: 1)
            let interned = verdict(h, InternedKeyValue(), workers: 1)
            #expect(chains == interned, "seed \(seed): chains say \(chains), interned strings \(interned)")
            if chains == .linearizable { counts.linearizable += 1 } else { counts.not += 1 }
        }
        // Both verdicts are well represented, or the comparison says little.
        #expect(counts.linearizable >= 40 && counts.not >= 40, "\(counts)")
    }

    @Test func aGetMustSpellTheAppendsInTheirOrder() {
        // "ab" then "ba": "abba" has the right length and letters as "baab"; only one order fits.
        let appends = [
            op(0, "append", "ab", nil, key: "k", 0, 1), op(0, "append", "ba", nil, key: "k", 2, 3),
        ]
        #expect(verdict(history(appends + [op(1, "get", nil, "abba", key: "k", 4, 5)]), KeyValueModel()) == .linearizable)
        #expect(verdict(history(appends + [op(1, "get", nil, "baab", key: "k", 4, 5)]), KeyValueModel()) == .notLinearizable)
    }

    @Test func equalPutsAndEmptyTextsReachTheSameStrings() {
        // Two puts of "x" and an empty append in between: the get sees "x" whichever put ran last.
        let h = history(
            op(0, "put", "x", nil, key: "k", 0, 10), op(1, "put", "x", nil, key: "k", 0, 10),
            op(2, "append", "", nil, key: "k", 0, 10), op(3, "get", nil, "x", key: "k", 11, 12),
            op(3, "put", "", nil, key: "k", 13, 14), op(3, "get", nil, "", key: "k", 15, 16))
        #expect(verdict(h, KeyValueModel()) == .linearizable)
    }
}
