/// The model seen by the search: states are small integers, transitions are cached.
///
/// Interning makes the memo key a bitset plus one Int32 whatever the model's state type is, and
/// the cache means the model's `step` runs once per (state, operation) pair.
protocol StateSpace: AnyObject {
    var stateCount: Int { get }
    /// The state reached by operation `op` from state `state`, or -1 when the op is illegal there.
    func transition(_ state: Int32, _ op: Int32) -> Int32
    func describe(_ state: Int32) -> String
}

final class InternedStateSpace<M: Model>: StateSpace {
    let model: M
    let operations: [Operation]
    private var states: [M.State] = []
    private var ids: [M.State: Int32] = [:]

    init(model: M, operations: [Operation]) {
        self.model = model
        self.operations = operations
        _ = intern(model.initialState)
    }

    var stateCount: Int { states.count }

    private func intern(_ s: M.State) -> Int32 {
        if let id = ids[s] { return id }
        let id = Int32(states.count)
        states.append(s)
        ids[s] = id
        return id
    }

    func transition(_ state: Int32, _ op: Int32) -> Int32 {
        guard let next = model.step(states[Int(state)], operations[Int(op)]) else { return -1 }
        return intern(next)
    }

    func describe(_ state: Int32) -> String { model.describe(states[Int(state)]) }
}
