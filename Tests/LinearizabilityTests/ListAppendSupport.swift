import Linearizability

/// Steps of hand-made list-append transactions.
func append(_ key: String, _ element: Int64) -> Value { .list(["append", .string(key), .int(element)]) }

func read(_ key: String, _ elements: [Int64]) -> Value {
    .list(["r", .string(key), .list(elements.map { .int($0) })])
}

/// A transaction: the call carries the steps with reads unfilled, the completion the steps as run;
/// `ret: nil` never returned (indeterminate).
func txn(_ process: Int, _ steps: [Value], _ call: Int64, _ ret: Int64?) -> Operation {
    let unfilled = Value.list(steps.map { step in
        guard case .list(let parts) = step, parts.count == 3, parts[0] == "r" else { return step }
        return .list([parts[0], parts[1], .null])
    })
    return Operation(
        id: 0, process: process, function: "txn", input: unfilled, output: ret == nil ? .null : .list(steps),
        outcome: ret == nil ? .indeterminate : .ok, callTime: call, returnTime: ret)
}

/// A transactional history; `aborted` transactions completed with `fail`.
func transactions(_ ops: [Operation], aborted: [Operation] = []) -> History {
    var h = history(ops)
    h.aborted = aborted.enumerated().map { i, o in
        var o = o
        o.id = ops.count + i
        o.outcome = .ok
        return o
    }
    return h
}

/// A seeded serial execution of list-append transactions over a few keys: each transaction runs
/// atomically at its own instant, in order; `overlap` widens every call and return around that
/// instant so that neighbours run concurrently (still serializable: the instants order them).
struct SerialListAppendRun {
    var operations: [Operation] = []
    var keys = ["x", "y", "z"]

    init(transactions count: Int, seed: UInt64, overlap: Int64) {
        var rng = seed
        var lists: [String: [Int64]] = [:]
        var nextElement: Int64 = 1
        for t in 0..<count {
            var steps: [Value] = []
            let length = 1 + Int(splitMix(&rng) % 4)
            for _ in 0..<length {
                let key = keys[Int(splitMix(&rng) % UInt64(keys.count))]
                if splitMix(&rng) % 2 == 0 {
                    lists[key, default: []].append(nextElement)
                    steps.append(append(key, nextElement))
                    nextElement += 1
                } else {
                    steps.append(read(key, lists[key] ?? []))
                }
            }
            let instant = Int64(t) * 10
            let spread = overlap == 0 ? 0 : Int64(splitMix(&rng) % UInt64(overlap))
            operations.append(txn(t % 7, steps, instant - spread - 1, instant + spread + 1))
        }
        // Processes run one call at a time: number them so no two of one process overlap.
        for i in operations.indices { operations[i].process = i }
    }
}

func splitMix(_ x: inout UInt64) -> UInt64 {
    x &+= 0x9E37_79B9_7F4A_7C15
    var z = x
    z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
    z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
    return z ^ (z >> 31)
}
