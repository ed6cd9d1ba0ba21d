/// Porcupine's key-value store: a string per key, initially "", with get, put (replace) and
/// append (concatenate). Keys are independent, so the checker splits the history by key.
public struct KeyValueModel: Model {
    public init() {}
    public var name: String { "kv" }
    public var initialState: String { "" }

    public func step(_ state: String, _ op: Operation) -> String? {
        switch op.function {
        case "get":
            if op.outcome == .indeterminate { return state }
            switch op.output {
            case .string(let s): return s == state ? state : nil
            case .null: return state.isEmpty ? state : nil
            default: return nil
            }
        case "put": return Self.text(op.input)
        case "append": return state + Self.text(op.input)
        default: return nil
        }
    }

    public func isIrrelevant(_ op: Operation) -> Bool { op.function == "get" && op.outcome == .indeterminate }

    public func validate(_ op: Operation) -> String? {
        ["get", "put", "append"].contains(op.function)
            ? nil : "the kv model knows get, put and append, not \(op.function)"
    }

    public func describe(_ state: String) -> String { "\"" + state + "\"" }

    static func text(_ v: Value) -> String {
        switch v {
        case .string(let s): return s
        case .null: return ""
        default: return v.description
        }
    }
}

/// The node's map workload: set, get and del per key, initially absent (nil). Values written by
/// `set` are unique in the workload, which keeps the search small but is not required.
/// `get` returns the value or nil; `del` may report how many keys it removed (0 or 1).
public struct MapModel: Model {
    public init() {}
    public var name: String { "map" }
    public var initialState: Value { .null }

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

    public func validate(_ op: Operation) -> String? {
        ["set", "get", "del"].contains(op.function)
            ? nil : "the map model knows set, get and del, not \(op.function)"
    }

    public func describe(_ state: Value) -> String { state.description }
}
