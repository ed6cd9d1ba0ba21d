/// Long histories made up on demand, for measuring the checker's time and memory where the corpus
/// has nothing long enough (`raft-chaos bench --long`, and a smaller one in the tests).
public enum SyntheticHistory {
    /// A linearizable register history: `operations` writes (unique values) and reads spread over
    /// `keys` keys. Each operation takes effect at its own instant, in order; its call and return
    /// lie up to `spread` instants either side, so operations on one key overlap (about
    /// 2 × spread / keys of them at once). Every process runs one operation.
    public static func registers(operations: Int, keys: Int, spread: Int64, seed: UInt64 = 1) -> History {
        var rng = seed
        var values = [Int64](repeating: -1, count: max(1, keys))
        var ops: [Operation] = []
        ops.reserveCapacity(operations)
        let keyNames = (0..<max(1, keys)).map { "k\($0)" }
        for i in 0..<operations {
            let k = Int(splitMix64(&rng) % UInt64(max(1, keys)))
            let instant = Int64(i) * 2
            let before = spread > 0 ? Int64(splitMix64(&rng) % UInt64(spread)) : 0
            let after = spread > 0 ? Int64(splitMix64(&rng) % UInt64(spread)) : 0
            let isWrite = splitMix64(&rng) % 2 == 0
            var op = Operation(
                id: i, process: i, function: isWrite ? "write" : "read", key: keyNames[k],
                callTime: instant - 2 * before - 1, returnTime: instant + 2 * after + 1)
            if isWrite {
                values[k] = Int64(i)
                op.input = .int(Int64(i))
            } else {
                op.output = values[k] < 0 ? .null : .int(values[k])
            }
            ops.append(op)
        }
        ops.sort { ($0.callTime, $0.id) < ($1.callTime, $1.id) }
        for i in ops.indices { ops[i].id = i }
        return History(operations: ops, suggestedModel: "register")
    }
}
