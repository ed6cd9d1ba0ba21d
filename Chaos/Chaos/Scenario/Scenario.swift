/// A parsed scenario file: which faults to pick from, how often and for how long, and how long
/// the cluster has to recover after the final heal. `Schedule.draw` turns it and a seed into
/// the exact plan of a run.
public struct Scenario: Hashable, Sendable {
    public struct WeightedFault: Hashable, Sendable {
        public var fault: FaultSpec
        public var weight: Int
        /// The file's line, for messages.
        public var line: Int
    }

    public var name: String
    public var summary: String
    /// Quiet time between the end of one fault and the start of the next, in seconds.
    public var gap: ClosedRange<Double>
    /// How long each fault stays in force, in seconds.
    public var length: ClosedRange<Double>
    /// Quiet time at the start of the run, before the first fault.
    public var settle: Double
    /// Seconds allowed after the final heal for a leader and a write through every node.
    public var recoverWithin: Double
    public var faults: [WeightedFault]

    public init(name: String, summary: String, gap: ClosedRange<Double>, length: ClosedRange<Double>,
                settle: Double, recoverWithin: Double, faults: [WeightedFault]) {
        self.name = name
        self.summary = summary
        self.gap = gap
        self.length = length
        self.settle = settle
        self.recoverWithin = recoverWithin
        self.faults = faults
    }
}
