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
    /// Whether `finalRead` looks for lost writes at all (the verdict says so only then).
    var checksLostWrites: Bool { get }
}

extension RunWorkload {
    public var checksLostWrites: Bool { true }
}

/// The checker's word on a history, as the run needs it.
public struct HistoryCheck: Sendable {
    /// Whether the history has the checked property (`linearizable` names it for the mixed
    /// workload's check; the list-append check uses the same cases for serializable or not).
    public enum Outcome: String, Sendable { case linearizable, notLinearizable = "not linearizable", unknown }
    public var outcome: Outcome
    public var explanation: String?
    public var seconds: Double
    public var counts: (ok: Int, fail: Int, info: Int)
    /// The property checked: `linearizable` or `serializable`.
    public var property: String
    /// The anomalies found by name (G-single, G2, ...), for the verdict's line; may be empty.
    public var anomalies: [String]
    public init(outcome: Outcome, explanation: String?, seconds: Double, counts: (ok: Int, fail: Int, info: Int),
                property: String = "linearizable", anomalies: [String] = []) {
        self.outcome = outcome
        self.explanation = explanation
        self.seconds = seconds
        self.counts = counts
        self.property = property
        self.anomalies = anomalies
    }

    /// The outcome in the property's words: `serializable`, `not linearizable`, `unknown`.
    public var words: String {
        switch outcome {
        case .linearizable: return property
        case .notLinearizable: return "not " + property
        case .unknown: return "unknown"
        }
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
