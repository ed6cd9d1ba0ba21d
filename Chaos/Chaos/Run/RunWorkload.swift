import Foundation

/// What `ChaosRun` needs from the client workload (the colleague's `WorkloadDriver` provides it
/// through an adapter): start clients on every node, counts for the progress line, stop, and the
/// final set read that finds lost acknowledged writes.
public protocol RunWorkload: AnyObject, Sendable {
    func start() throws
    func progressCounts() -> (ok: Int, fail: Int, info: Int)
    func stop() async
    /// Lost acknowledged writes (empty when none) and a line for people.
    func finalRead() async -> (lost: [String], summary: String)
}

/// The checker's word on a history, as the run needs it.
public struct HistoryCheck: Sendable {
    public enum Outcome: String, Sendable { case linearizable, notLinearizable = "not linearizable", unknown }
    public var outcome: Outcome
    public var explanation: String?
    public var seconds: Double
    public var counts: (ok: Int, fail: Int, info: Int)
    public init(outcome: Outcome, explanation: String?, seconds: Double, counts: (ok: Int, fail: Int, info: Int)) {
        self.outcome = outcome
        self.explanation = explanation
        self.seconds = seconds
        self.counts = counts
    }
}

/// How a run makes its workload, checks its history and renders its report; `ChaosRun.standard`
/// wires the Workload and Report folders in.
public struct RunParts: Sendable {
    public var makeWorkload: @Sendable (_ endpoints: [NodeSpec], _ seed: UInt64, _ history: URL) throws -> RunWorkload
    public var checkHistory: @Sendable (_ history: URL, _ budget: Double) throws -> HistoryCheck
    public var renderReport: @Sendable (_ layout: RunLayout) throws -> String

    public init(makeWorkload: @escaping @Sendable (_ endpoints: [NodeSpec], _ seed: UInt64, _ history: URL) throws -> RunWorkload,
                checkHistory: @escaping @Sendable (_ history: URL, _ budget: Double) throws -> HistoryCheck,
                renderReport: @escaping @Sendable (_ layout: RunLayout) throws -> String) {
        self.makeWorkload = makeWorkload
        self.checkHistory = checkHistory
        self.renderReport = renderReport
    }
}
