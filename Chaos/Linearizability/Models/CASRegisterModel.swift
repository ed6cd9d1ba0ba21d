/// A compare-and-set register, initially nil: read, write, and cas [expected new].
///
/// A cas whose output is `false` is Porcupine's reading of a failed cas: a definite observation
/// that the value differed from `expected`, with no effect. Any other successful cas swapped.
/// An indeterminate cas swaps if the value matches when it takes effect, and does nothing otherwise.
public struct CASRegisterModel: Model {
    public init() {}
    public var name: String { "cas-register" }
    public var initialState: Value { .null }

    // Inlined into the specialized search loop: the operation is then read in place, not copied.
    @inline(__always)
    public func step(_ state: Value, _ op: Operation) -> Value? {
        switch op.function {
        case "write": return op.input
        case "read": return op.outcome == .indeterminate || op.output == state ? state : nil
        case "cas":
            guard case .list(let args) = op.input, args.count == 2 else { return nil }
            let matches = state == args[0]
            if op.outcome == .indeterminate { return matches ? args[1] : state }
            if op.output == .bool(false) { return matches ? nil : state }
            return matches ? args[1] : nil
        default: return nil
        }
    }

    /// A register operation as the search needs it: a few values, not a whole `Operation` (whose
    /// copying was the largest fixed cost of checking a short history).
    public enum Prepared: Sendable {
        /// A read that saw this value; nil: its result is unknown and it matches anything.
        case read(Value?)
        case write(Value)
        /// `failed`: the client saw the compare fail (output false), a definite observation.
        case cas(expected: Value, new: Value, indeterminate: Bool, failed: Bool)
        case invalid
    }

    public func prepare(_ op: Operation) -> Prepared {
        switch op.function {
        case "write": return .write(op.input)
        case "read": return .read(op.outcome == .indeterminate ? nil : op.output)
        case "cas":
            guard case .list(let args) = op.input, args.count == 2 else { return .invalid }
            return .cas(
                expected: args[0], new: args[1], indeterminate: op.outcome == .indeterminate,
                failed: op.outcome != .indeterminate && op.output == .bool(false))
        default: return .invalid
        }
    }

    /// `step` on a prepared operation: the same rules.
    @inline(__always)
    public func step(_ state: Value, prepared: Prepared) -> Value? {
        switch prepared {
        case .write(let v): return v
        case .read(nil): return state
        case .read(let seen?): return seen == state ? state : nil
        case .cas(let expected, let new, let indeterminate, let failed):
            let matches = state == expected
            if indeterminate { return matches ? new : state }
            if failed { return matches ? nil : state }
            return matches ? new : nil
        case .invalid: return nil
        }
    }

    public func isIrrelevant(_ op: Operation) -> Bool { op.function == "read" && op.outcome == .indeterminate }
    public func isReadOnly(_ op: Operation) -> Bool {
        op.function == "read" || (op.function == "cas" && op.outcome == .ok && op.output == .bool(false))
    }

    public func validate(_ op: Operation) -> String? {
        switch op.function {
        case "read", "write": return nil
        case "cas":
            if case .list(let args) = op.input, args.count == 2 { return nil }
            return "cas needs [expected new], got \(op.input)"
        default: return "the cas-register model knows read, write and cas, not \(op.function)"
        }
    }

    public func describe(_ state: Value) -> String { state.description }
}
