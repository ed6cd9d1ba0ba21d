/// A history split by key into the partitions the check decides: those settled by replaying the
/// model (their operations never overlap in time, so there is exactly one order to try) and those
/// left to the search.
///
/// A single-client history (Porcupine's c01 files) is all replay: each key's operations follow one
/// another, and building a search per key (a dozen arrays, a memo, a transition cache, a state
/// space, a class) cost several times more than deciding it.
struct PartitionPlan {
    /// The partitions left to search, largest first: each one's key and operations (indices into
    /// `operations`), its search built by `makeSearch` only when the scheduler first takes it. An
    /// illegal history is often decided by its first partitions: the others' set-up (a dozen
    /// arrays, the state space, copies of their operations) is never paid for.
    var searched: [(key: String, members: ArraySlice<Int32>)] = []
    /// The history's operations.
    let operations: [Operation]
    /// Builds the search of `searched[i]`.
    let makeSearch: @Sendable (_ key: String, _ operations: [Operation]) -> any SearchTask
    /// Reports of the partitions decided by replay (all linearizable, except `illegal`'s).
    var replayed: [PartitionReport] = []
    /// The replayed partition the model rejected, if any: the history is then not linearizable
    /// without any search.
    var illegal: Explainer?
    /// Operations checked (irrelevant ones dropped).
    var operationCount = 0

    init<M, S: StateSpace>(history: History, model: M, space: S.Type) where S.M == M {
        let ops = history.operations
        operations = ops
        makeSearch = { key, operations in PartitionSearch<S>(key: key, operations: operations, model: model) }
        // Group the operations by key as indices (no copy of an `Operation` unless a search needs
        // it): each operation's group, then one flat array holding each group's indices in turn.
        var groupOfOp = [Int32](repeating: -1, count: ops.count)
        var keys: [String] = []
        var counts: [Int] = []
        var singleKey = true
        for i in ops.indices where !model.isIrrelevant(ops[i]) {
            let key = model.partitionKey(of: ops[i])
            if singleKey {
                if keys.isEmpty {
                    keys.append(key)
                    counts.append(0)
                } else if key != keys[0] {
                    singleKey = false
                }
            }
            if singleKey {
                groupOfOp[i] = 0
                counts[0] += 1
            } else {
                break
            }
        }
        if !singleKey {
            // Several keys: a dictionary from key to group. (A one-key history, every register
            // log, never pays for hashing its key.)
            keys.removeAll(keepingCapacity: true)
            counts.removeAll(keepingCapacity: true)
            var groupOf: [String: Int32] = [:]
            for i in ops.indices where !model.isIrrelevant(ops[i]) {
                let key = model.partitionKey(of: ops[i])
                if let g = groupOf[key] {
                    groupOfOp[i] = g
                    counts[Int(g)] += 1
                } else {
                    let g = Int32(keys.count)
                    groupOf[key] = g
                    groupOfOp[i] = g
                    keys.append(key)
                    counts.append(1)
                }
            }
        }
        var first = [Int](repeating: 0, count: counts.count + 1)
        for g in counts.indices { first[g + 1] = first[g] + counts[g] }
        var members = [Int32](repeating: 0, count: first[counts.count])
        var fill = first
        for i in ops.indices where groupOfOp[i] >= 0 {
            let g = Int(groupOfOp[i])
            members[fill[g]] = Int32(i)
            fill[g] += 1
        }
        operationCount = members.count

        for g in counts.indices {
            let group = members[first[g]..<first[g + 1]]
            if let order = sequentialOrder(ops, group) {
                if let rejected = replay(model, ops, order) {
                    replayed.append(PartitionReport(key: keys[g], operationCount: group.count, linearizable: false, steps: rejected + 1, memoEntries: 0, states: rejected + 1))
                    // The explanation comes from the search itself (the same prefix, failing and
                    // concurrent operations as a searched partition's), run only when asked for.
                    let key = keys[g], operations = group.map { ops[Int($0)] }
                    illegal = Explainer {
                        let search = PartitionSearch<S>(key: key, operations: operations, model: model)
                        while search.run(steps: 1 << 20) == .running {}
                        return search
                    }
                    return
                }
                replayed.append(PartitionReport(key: keys[g], operationCount: group.count, linearizable: true, steps: group.count, memoEntries: 0, states: group.count + 1))
            } else {
                searched.append((keys[g], group))
            }
        }
        // Largest partitions first: they are the likeliest to need the most time, and the round robin
        // still lets a small illegal partition finish early.
        searched.sort { ($0.members.count, $1.key) > ($1.members.count, $0.key) }
    }

    /// The operations of `searched[i]`, in the history's order (the search breaks ties between
    /// equal times by it); the history's own array when the partition is all of it.
    func operations(of i: Int) -> [Operation] {
        let members = searched[i].members
        return members.count == operations.count ? operations : members.map { operations[Int($0)] }
    }

    /// The search of `searched[i]`, built now.
    func search(_ i: Int) -> any SearchTask { makeSearch(searched[i].key, operations(of: i)) }
}

/// The group's operations in call order when each returns before the next is called (then no two
/// overlap and the only linearization is that order); nil when any two overlap or any never
/// returned. Operations that touch at an instant overlap, as in the search.
private func sequentialOrder(_ ops: [Operation], _ group: ArraySlice<Int32>) -> ArraySlice<Int32>? {
    var order = group
    var sorted = true
    var previousCall = Int64.min
    for i in group {
        let call = ops[Int(i)].callTime
        if call < previousCall { sorted = false }
        previousCall = call
    }
    // Already in call order (as every reader writes them): the slice itself, no copy.
    if !sorted { order = ArraySlice(group.sorted { (ops[Int($0)].callTime, $0) < (ops[Int($1)].callTime, $1) }) }
    var previousReturn = Int64.min
    for i in order {
        let op = ops[Int(i)]
        guard op.outcome == .ok, let ret = op.returnTime, op.callTime <= ret, op.callTime > previousReturn else { return nil }
        previousReturn = ret
    }
    return order
}

/// Runs the model through the operations in order: nil when every output is possible, else the
/// position of the first operation whose output is impossible.
private func replay<M: Model>(_ model: M, _ ops: [Operation], _ order: ArraySlice<Int32>) -> Int? {
    var state = model.initialState
    for (position, i) in order.enumerated() {
        guard let next = model.step(state, ops[Int(i)]) else { return position }
        state = next
    }
    return nil
}
