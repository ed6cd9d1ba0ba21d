/// How an operation ended, as far as the client could tell.
public enum Outcome: Sendable, Hashable {
    /// The client saw the result: the operation took effect exactly once between call and return.
    case ok
    /// Timed out, crashed or never returned: it may take effect at any moment after its call, or never.
    /// Its `output` is unknown and its `returnTime` is nil.
    case indeterminate
}

/// One client operation: a call and, unless indeterminate, its return.
///
/// Operations that definitely did not take effect (Jepsen's `:fail`) are not operations: the readers
/// drop them. An unknown read result is not an observation: the readers drop those too.
public struct Operation: Sendable, Hashable, Identifiable {
    /// Position in `History.operations`.
    public var id: Int
    /// The client process (one operation at a time per process).
    public var process: Int
    /// The node the client talked to, when recorded.
    public var node: String?
    /// The function: `read`, `write`, `cas`, `get`, `put`, `append`, `set`, `del`, ...
    public var function: String
    /// The object the operation touches; operations on different keys are checked separately.
    public var key: String?
    public var input: Value
    /// The result the client saw; `.null` when indeterminate.
    public var output: Value
    public var outcome: Outcome
    /// Time of the call (any monotonic unit; line numbers for logs without clocks).
    public var callTime: Int64
    /// Time of the return; nil when the operation never returned (indeterminate).
    public var returnTime: Int64?
    /// The error text the client saw, if any (kept for reports).
    public var error: String?

    public init(
        id: Int, process: Int, node: String? = nil, function: String, key: String? = nil,
        input: Value = .null, output: Value = .null, outcome: Outcome = .ok,
        callTime: Int64, returnTime: Int64?, error: String? = nil
    ) {
        self.id = id
        self.process = process
        self.node = node
        self.function = function
        self.key = key
        self.input = input
        self.output = output
        self.outcome = outcome
        self.callTime = callTime
        self.returnTime = returnTime
        self.error = error
    }

    /// A short human form, e.g. `p3 cas [1 2] -> ok` or `p1 write 4 -> ?`.
    public var summary: String {
        var s = "#\(id) p\(process) \(function)"
        if let key { s += " \(key)" }
        if !input.isNull { s += " \(input)" }
        switch outcome {
        case .ok:
            let quiet = output == input || (output.isNull && function != "read" && function != "get")
            s += quiet ? " -> ok" : " -> \(output)"
        case .indeterminate: s += " -> ?"
        }
        return s
    }
}

/// A recorded history: the operations, in no particular order (their times order them).
public struct History: Sendable {
    public var operations: [Operation]
    /// The model the file names (a header line) or implies (its functions), if any.
    public var suggestedModel: String?
    /// The format the history was read from.
    public var format: HistoryFormat?
    /// Calls that definitely did not take effect (`fail`), kept apart: linearizability ignores
    /// them, a transactional check needs them to recognise a read of an aborted write (G1a).
    public var aborted: [Operation] = []

    public init(operations: [Operation], suggestedModel: String? = nil, format: HistoryFormat? = nil) {
        self.operations = operations
        self.suggestedModel = suggestedModel
        self.format = format
    }
}
