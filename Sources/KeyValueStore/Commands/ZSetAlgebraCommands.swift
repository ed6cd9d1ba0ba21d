// Sorted-set algebra: ZUNION ZINTER ZDIFF (WITHSCORES), ZUNIONSTORE ZINTERSTORE ZDIFFSTORE
// (WEIGHTS, AGGREGATE SUM|MIN|MAX) and ZINTERCARD. Plain sets are accepted as inputs, every
// member scoring 1, as in Redis. A NaN produced by weights (inf x 0) counts as 0, as in Redis.

import RESP

enum ZSetAlgebraCommands {
    static func register(in r: inout CommandRegistry) {
        for name in ["zunion", "zinter", "zdiff"] {
            r.register(name, kind: .read, arity: -3, handler: combine)
            r.register(name + "store", kind: .write, arity: -4, handler: combine)
        }
        r.register("zintercard", kind: .read, arity: -3, handler: zintercard)
    }

    enum Op { case union, inter, diff }
    enum Aggregate { case sum, min, max }

    /// A key's members and scores for the algebra: a sorted set, a set (scores 1) or nothing.
    static func input(_ c: CommandContext, _ key: ByteKey) throws(CommandError) -> [ByteKey: Double]? {
        switch c.store.value(key, now: c.now) {
        case nil: return nil
        case .zset(let z)?: return z.scores
        case .set(let s)?: return Dictionary(uniqueKeysWithValues: s.map { ($0, 1.0) })
        default: throw .wrongType
        }
    }

    static func combine(_ c: CommandContext) throws(CommandError) -> RESPValue {
        let name = c.command.name
        let store = name.hasSuffix("store")
        let op: Op = name.hasPrefix("zunion") ? .union : name.hasPrefix("zinter") ? .inter : .diff
        let at = store ? 2 : 1
        guard let n = Numbers.parseInt(c.args[at]) else { throw .notInteger }
        guard n >= 1 else { throw CommandError("ERR at least 1 input key is needed for '\(name)' command") }
        guard n <= Int64(c.args.count - at - 1) else { throw .syntax }
        let keys = (at + 1)..<(at + 1 + Int(n))
        var weights = [Double](repeating: 1, count: Int(n))
        var aggregate = Aggregate.sum
        var withScores = false
        var j = keys.upperBound
        while j < c.args.count {
            let o = c.args[j]
            let left = c.args.count - j - 1
            if op != .diff && o.isOption("weights") && left >= Int(n) {
                for w in 0..<Int(n) {
                    guard let v = Numbers.parseDouble(c.args[j + 1 + w]) else { throw CommandError("ERR weight value is not a float") }
                    weights[w] = v
                }
                j += Int(n)
            } else if op != .diff && o.isOption("aggregate") && left >= 1 {
                let a = c.args[j + 1]
                if a.isOption("sum") { aggregate = .sum } else if a.isOption("min") { aggregate = .min }
                else if a.isOption("max") { aggregate = .max } else { throw .syntax }
                j += 1
            } else if !store && o.isOption("withscores") {
                withScores = true
            } else {
                throw .syntax
            }
            j += 1
        }
        var inputs: [[ByteKey: Double]?] = []
        for i in keys { inputs.append(try input(c, c.key(i))) }
        var result = SortedSet()
        for (m, s) in compute(op, inputs, weights, aggregate) { result.set(m, s) }
        if store {
            c.storeResult(c.key(1), .zset(result), empty: result.isEmpty)
            return .int(result.count)
        }
        return withScoresReply(result.all, scores: withScores)
    }

    static func compute(_ op: Op, _ inputs: [[ByteKey: Double]?], _ weights: [Double], _ agg: Aggregate) -> [ByteKey: Double] {
        func combine(_ a: Double, _ b: Double) -> Double {
            let v: Double = switch agg { case .sum: a + b; case .min: Swift.min(a, b); case .max: Swift.max(a, b) }
            return v.isNaN ? 0 : v
        }
        func weighted(_ s: Double, _ w: Double) -> Double { let v = s * w; return v.isNaN ? 0 : v }
        switch op {
        case .union:
            var out: [ByteKey: Double] = [:]
            for (i, input) in inputs.enumerated() {
                for (m, s) in input ?? [:] {
                    let v = weighted(s, weights[i])
                    if let cur = out[m] { out[m] = combine(cur, v) } else { out[m] = v }
                }
            }
            return out
        case .inter:
            guard !inputs.contains(where: { $0 == nil }), let first = inputs.first ?? nil else { return [:] }
            var out: [ByteKey: Double] = [:]
            outer: for (m, s) in first {
                var acc = weighted(s, weights[0])
                for i in 1..<inputs.count {
                    guard let t = inputs[i]![m] else { continue outer }
                    acc = combine(acc, weighted(t, weights[i]))
                }
                out[m] = acc
            }
            return out
        case .diff:
            guard let first = inputs.first ?? nil else { return [:] }
            return first.filter { m, _ in !inputs.dropFirst().contains { $0?[m] != nil } }
        }
    }

    static func zintercard(_ c: CommandContext) throws(CommandError) -> RESPValue {
        let n = try SetCommands.numkeys(c.args, at: 1)
        let limit = try SetCommands.limitOption(c.args, from: 2 + n)
        var inputs: [[ByteKey: Double]?] = []
        for i in 2..<(2 + n) { inputs.append(try input(c, c.key(i))) }
        let count = compute(.inter, inputs, [Double](repeating: 1, count: n), .sum).count
        return .int(limit > 0 ? min(limit, count) : count)
    }
}
