/// One line of `faults.jsonl`: a fault starting or ending, or an instantaneous action.
/// Times are nanoseconds on the same monotonic clock as the history (`MonotonicClock`), so the
/// report can shade each fault's window over the operations it affected.
public struct FaultEvent: Codable, Sendable, Hashable {
    public enum Phase: String, Codable, Sendable {
        /// The fault is in force from `time` until the `end` event with the same `id`.
        case start
        case end
        /// Done once (a kill without a later restart in the same fault, a transfer request).
        case instant
    }

    public var time: UInt64
    /// Pairs a `start` with its `end`.
    public var id: Int
    public var phase: Phase
    /// The nemesis: `kill`, `pause`, `partition`, `link`, `membership`, `transfer`, `heal`, ...
    public var kind: String
    /// Node ids the fault was resolved to when it started (for example the leader at that moment).
    public var targets: [String]
    /// A person's line: "isolate leader n3 from n1 n2 n4 n5", "drop 30% of n3->n1 append-response".
    public var description: String

    public init(time: UInt64, id: Int, phase: Phase, kind: String, targets: [String], description: String) {
        self.time = time
        self.id = id
        self.phase = phase
        self.kind = kind
        self.targets = targets
        self.description = description
    }
}
