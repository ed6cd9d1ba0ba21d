/// A sequential specification: what one copy of the data does when operations run one at a time.
///
/// The checker interns states and caches transitions, so `step` is called at most once per
/// (state, operation) pair and may be written for clarity rather than speed.
public protocol Model: Sendable {
    associatedtype State: Hashable & Sendable
    /// The name used on the command line (`--model`) and in reports.
    var name: String { get }
    var initialState: State { get }
    /// The state after `op` runs in `state`, or nil when `op`'s recorded output is impossible there.
    /// An indeterminate op (`outcome == .indeterminate`) has an unknown output that matches anything.
    func step(_ state: State, _ op: Operation) -> State?
    /// Operations with different keys touch independent objects and are checked separately
    /// (P-compositionality, Herlihy & Wing 1990 §3.3).
    func partitionKey(of op: Operation) -> String
    /// An operation that never changes the state and is legal in every state (an indeterminate
    /// read) constrains nothing and may be dropped before the search.
    func isIrrelevant(_ op: Operation) -> Bool
    /// True when `op`, where legal, leaves the state as it found it (a read, a failed cas). The
    /// search linearizes such an operation as soon as it is legal and never tries it later
    /// (Lowe 2017, §5: nothing that follows can be harmed by an observation made earlier).
    func isReadOnly(_ op: Operation) -> Bool
    /// Why `op` cannot be checked with this model (unknown function, malformed argument), or nil.
    func validate(_ op: Operation) -> String?
    func describe(_ state: State) -> String
}

extension Model {
    public func partitionKey(of op: Operation) -> String { op.key ?? "" }
    public func isIrrelevant(_ op: Operation) -> Bool { false }
    public func isReadOnly(_ op: Operation) -> Bool { false }
    public func describe(_ state: State) -> String { "\(state)" }
}

/// The models built in, by their command-line names.
public enum Models {
    public static let names = ["register", "cas-register", "kv", "map", "node-workloads"]
    /// Transactional checks (not linearizability models): `ListAppend`.
    public static let transactionalNames = [ListAppend.modelName]

    /// The model called `name`, or nil.
    public static func named(_ name: String) -> (any Model)? {
        switch name {
        case "register": return RegisterModel()
        case "cas-register", "cas": return CASRegisterModel()
        case "kv", "append-kv": return KeyValueModel()
        case "map", "set-get-del": return MapModel()
        case "node-workloads": return NodeWorkloadsModel()
        default: return nil
        }
    }

    /// A model that understands every function in `history`, for files that do not name one.
    public static func guess(for history: History) -> String {
        var functions = Set<String>()
        for op in history.operations { functions.insert(op.function) }
        if functions.contains("txn") { return ListAppend.modelName }
        if !functions.isDisjoint(with: ["put", "append"]) { return "kv" }
        if !functions.isDisjoint(with: ["set", "del"]) { return "map" }
        if functions.contains("get") { return "kv" }
        if functions.contains("cas") { return "cas-register" }
        return "cas-register"
    }
}
