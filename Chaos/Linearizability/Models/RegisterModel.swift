/// A read/write register, initially nil.
public struct RegisterModel: Model {
    public init() {}
    public var name: String { "register" }
    public var initialState: Value { .null }

    // Inlined into the specialized search loop: the operation is then read in place, not copied.
    @inline(__always)
    public func step(_ state: Value, _ op: Operation) -> Value? {
        switch op.function {
        case "write": return op.input
        case "read": return op.outcome == .indeterminate || op.output == state ? state : nil
        default: return nil
        }
    }

    public func isIrrelevant(_ op: Operation) -> Bool { op.function == "read" && op.outcome == .indeterminate }
    public func isReadOnly(_ op: Operation) -> Bool { op.function == "read" }

    public func validate(_ op: Operation) -> String? {
        ["read", "write"].contains(op.function) ? nil : "the register model knows read and write, not \(op.function)"
    }

    public func describe(_ state: Value) -> String { state.description }
}
