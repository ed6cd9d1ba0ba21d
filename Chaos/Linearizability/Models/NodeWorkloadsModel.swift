/// The model of raft-chaos's own workloads, which share one history file: registers (read, write,
/// cas) on some keys and set/get/del on others, each key starting absent (nil). A key's state is
/// one value either way, so each function is judged by the model it comes from (CASRegisterModel,
/// MapModel). The set workload's `add` operations are recorded for reports but judged by the
/// run's final read of every list, not here: they constrain nothing and are dropped.
public struct NodeWorkloadsModel: Model {
    private let register = CASRegisterModel()
    private let map = MapModel()

    public init() {}
    public var name: String { "node-workloads" }
    public var initialState: Value { .null }

    public func step(_ state: Value, _ op: Operation) -> Value? {
        switch op.function {
        case "read", "write", "cas": return register.step(state, op)
        case "get", "set", "del": return map.step(state, op)
        case "add": return state
        default: return nil
        }
    }

    public func isIrrelevant(_ op: Operation) -> Bool {
        op.function == "add" || register.isIrrelevant(op) || map.isIrrelevant(op)
    }

    public func isReadOnly(_ op: Operation) -> Bool {
        switch op.function {
        case "read", "cas": return register.isReadOnly(op)
        case "get": return map.isReadOnly(op)
        default: return false
        }
    }

    public func validate(_ op: Operation) -> String? {
        switch op.function {
        case "read", "write", "cas": return register.validate(op)
        case "get", "set", "del": return map.validate(op)
        case "add": return nil
        default: return "the node-workloads model knows read, write, cas, get, set, del and add, not \(op.function)"
        }
    }

    public func describe(_ state: Value) -> String { state.description }
}
