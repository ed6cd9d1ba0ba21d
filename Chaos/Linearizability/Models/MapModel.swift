/// The node's map workload: set, get and del per key, initially absent (nil). Values written by
/// `set` are unique in the workload, which keeps the search small but is not required.
/// `get` returns the value or nil; `del` may report how many keys it removed (0 or 1).
public struct MapModel: Model {
    public init() {}
    public var name: String { "map" }
    public var initialState: Value { .null }

    // Inlined into the specialized search loop: the operation is then read in place, not copied.
    @inline(__always)
    public func step(_ state: Value, _ op: Operation) -> Value? {
        switch op.function {
        case "set": return op.input
        case "get": return op.outcome == .indeterminate || op.output == state ? state : nil
        case "del":
            if op.outcome == .ok, case .int(let n) = op.output, n != (state.isNull ? 0 : 1) { return nil }
            return .null
        default: return nil
        }
    }

    public func isIrrelevant(_ op: Operation) -> Bool { op.function == "get" && op.outcome == .indeterminate }
    public func isReadOnly(_ op: Operation) -> Bool { op.function == "get" }

    public func validate(_ op: Operation) -> String? {
        ["set", "get", "del"].contains(op.function)
            ? nil : "the map model knows set, get and del, not \(op.function)"
    }

    public func describe(_ state: Value) -> String { state.description }
}
