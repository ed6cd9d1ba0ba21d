import Foundation
import Linearizability

/// The list-append check's judgement of a run's history: strict serializable or not (real-time
/// order checked: the node runs every EXEC, reads included, as one log entry), with each anomaly
/// (G0, G1a, G1b, G1c, G-single, G2, their -realtime forms, ...) named and proven with the
/// transactions that form it. Lost appends are the run's final read's to report
/// (`ListAppendDriver.finalRead`), not this verdict's.
public struct TransactionVerdict: Sendable {
    public var serializable: Bool
    /// The anomaly kinds found (empty when serializable), strongest first as the checker lists them.
    public var anomalies: [String]
    /// Every anomaly's proof ("Let T1 = ... Then ...: a contradiction!"), or nil when serializable.
    public var explanation: String?
    public var counts: OperationCounts
    /// Committed and indeterminate transactions checked; aborted ones apart.
    public var transactions: Int
    public var aborted: Int
    /// Reading and checking, wall clock.
    public var seconds: Double

    /// Reads `historyURL` (JSON lines of `txn` operations) and checks it. Throws when the file
    /// cannot be read or a transaction cannot be understood (with its operation).
    public static func check(historyURL: URL) throws -> TransactionVerdict {
        let started = Date()
        let (bytes, history) = try HistoryVerdict.readHistory(historyURL)
        let problems = ListAppend.validate(history: history)
        if let first = problems.first {
            throw WorkloadError("\(historyURL.path): \(first)\(problems.count > 1 ? " (and \(problems.count - 1) more)" : "")")
        }
        let result: TransactionCheckResult
        do {
            result = try ListAppend.check(history: history, realtime: true)
        } catch {
            throw WorkloadError("\(historyURL.path): \(error)")
        }
        let kinds = result.kinds.map(\.rawValue)
        let explanation = result.isSerializable ? nil
            : "not \(result.property): \(kinds.joined(separator: ", "))\n" + result.text
        return TransactionVerdict(
            serializable: result.isSerializable, anomalies: kinds, explanation: explanation,
            counts: HistoryVerdict.countCompletions(bytes), transactions: result.transactionCount,
            aborted: result.abortedCount, seconds: Date().timeIntervalSince(started))
    }
}
