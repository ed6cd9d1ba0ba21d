/// The states a partition's search moves through, named by small integers (0 is the initial
/// state), and the transition on them. The search caches transitions, so `step` runs once per
/// (state, operation) pair; what a state is, and how two paths that reach the same state are
/// recognised, is up to the space (a model may have a cheaper answer than hashing whole values).
protocol StateSpace {
    associatedtype M: Model
    init(model: M, operations: [Operation])
    /// The state after operation `op` (an index into the partition's operations) runs in `state`,
    /// or -1 where the operation's recorded output is impossible.
    mutating func step(_ state: Int32, _ op: Int32) -> Int32
    /// States named so far.
    var count: Int { get }
    /// Bytes held, for the memory budget (an estimate where states hold heap storage).
    var memoryBytes: Int { get }
}

/// Any model's states, interned: each distinct `M.State` value gets one id, so paths that reach
/// equal values meet in the memo. The model's `step` runs on the values.
struct InternedStates<M: Model>: StateSpace {
    private let model: M
    /// The operations as the model prepared them for `step` (`Model.prepare`).
    private let prepared: [M.Prepared]
    /// Operations that, where legal, leave the state unchanged; see `Model.isReadOnly`.
    private let readOnly: [Bool]
    private var states: [M.State]
    private var ids: [M.State: Int32]

    init(model: M, operations: [Operation]) {
        self.model = model
        prepared = operations.map(model.prepare)
        readOnly = operations.map { $0.outcome == .ok && model.isReadOnly($0) }
        states = [model.initialState]
        ids = [model.initialState: 0]
        ids.reserveCapacity(4 * operations.count)
    }

    var count: Int { states.count }
    var memoryBytes: Int { states.capacity * MemoryLayout<M.State>.stride + ids.capacity * (MemoryLayout<M.State>.stride + 8) }

    @inline(__always)
    mutating func step(_ state: Int32, _ op: Int32) -> Int32 {
        guard let after = model.step(states[Int(state)], prepared: prepared[Int(op)]) else { return -1 }
        if readOnly[Int(op)] { return state }  // legal and read-only: the same state, no interning
        if let id = ids[after] { return id }
        let id = Int32(states.count)
        states.append(after)
        ids[after] = id
        return id
    }
}
