/// Budgets and parallelism for a check.
public struct CheckOptions: Sendable {
    /// Give up with `.unknown` after this many seconds (nil: no limit).
    public var timeout: Double?
    /// Give up with `.unknown` when the search holds more than this many bytes in total.
    public var memoryLimitBytes: Int
    /// Partitions searched at once (default: the processor count).
    public var workers: Int
    /// Search steps a partition runs before yielding to the next (fairness between partitions).
    public var sliceSteps: Int

    public init(timeout: Double? = nil, memoryLimitBytes: Int = 2 << 30, workers: Int? = nil, sliceSteps: Int = 20_000) {
        self.timeout = timeout
        self.memoryLimitBytes = memoryLimitBytes
        self.workers = max(1, workers ?? defaultWorkerCount())
        self.sliceSteps = max(1, sliceSteps)
    }
}

public enum Verdict: Sendable, Equatable, CustomStringConvertible {
    case linearizable
    case notLinearizable
    /// A budget ran out before the search could decide; the reason says which.
    case unknown(String)

    public var description: String {
        switch self {
        case .linearizable: return "linearizable"
        case .notLinearizable: return "not linearizable"
        case .unknown(let why): return "unknown (\(why))"
        }
    }
}

/// What happened to one partition (one key).
public struct PartitionReport: Sendable {
    public var key: String
    public var operationCount: Int
    /// nil when the check stopped before this partition was decided.
    public var linearizable: Bool?
    public var steps: Int
    public var memoEntries: Int
    public var states: Int
}

/// Why a history is not linearizable, in the terms of its one failing partition.
public struct Explanation: Sendable {
    /// The partition (key) proven illegal.
    public var key: String
    /// The operation that could not be linearized after the longest linearizable prefix: its
    /// return came before any order of the pending operations could make its output possible.
    public var failing: Operation
    /// The longest linearization the search found, in linearization order.
    public var longestPrefix: [Operation]
    /// The model state after that prefix.
    public var stateAfterPrefix: String
    /// Operations of the partition whose intervals overlap the failing one's.
    public var concurrent: [Operation]
    /// All operations of the partition, for reports.
    public var partitionOperations: [Operation]

    /// A few lines for a terminal.
    public var text: String {
        var lines: [String] = []
        lines.append("partition: \(key.isEmpty ? "(whole history)" : "key " + key) (\(partitionOperations.count) operations)")
        lines.append("cannot linearize: \(failing.summary)  [call \(failing.callTime), return \(failing.returnTime.map(String.init) ?? "never")]")
        lines.append("state there: \(stateAfterPrefix) after the longest linearizable prefix of \(longestPrefix.count) operations")
        let tail = longestPrefix.suffix(8)
        if !tail.isEmpty {
            lines.append("prefix ends: " + (longestPrefix.count > tail.count ? "... " : "") + tail.map(\.summary).joined(separator: ", "))
        }
        lines.append("concurrent with it (\(concurrent.count)): " + concurrent.prefix(12).map(\.summary).joined(separator: ", ")
            + (concurrent.count > 12 ? ", ..." : ""))
        return lines.joined(separator: "\n")
    }
}

public struct CheckResult: Sendable {
    public var verdict: Verdict
    /// Why not linearizable (nil otherwise), worked out on first use.
    public var explanation: Explanation? { explainer?.explanation }
    let explainer: Explainer?
    public var partitions: [PartitionReport]
    public var elapsedSeconds: Double
    /// Operations checked (after dropping those that constrain nothing).
    public var operationCount: Int
}
