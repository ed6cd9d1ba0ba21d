import Foundation
import Linearizability

/// The checker's judgement of a run's history: linearizable, not, or unknown (the budget ran out),
/// with the explanation of a violation, the operation counts and what the check cost.
public struct HistoryVerdict: Sendable {
    public enum Outcome: String, Sendable, Codable {
        case linearizable
        case notLinearizable = "not linearizable"
        case unknown
    }

    public var outcome: Outcome
    /// Why: the failing key and operations (a violation), the budget that ran out (unknown).
    public var explanation: String?
    /// The model the history was checked against.
    public var model: String
    /// Completions in the file, by type (fail included: the checker drops those).
    public var counts: OperationCounts
    /// Operations the search considered, and over how many keys.
    public var operationsChecked: Int
    public var partitions: Int
    /// Reading and checking, wall clock.
    public var seconds: Double

    /// The file's bytes (for counting completions) and the history they hold, with the path in
    /// every error. Shared by the linearizability and the transactional verdicts.
    static func readHistory(_ historyURL: URL) throws -> (bytes: [UInt8], history: History) {
        let bytes: [UInt8]
        do {
            bytes = Array(try Data(contentsOf: historyURL))
        } catch {
            throw WorkloadError("cannot read the history \(historyURL.path): \(error.localizedDescription)")
        }
        let history: History
        do {
            history = try HistoryReader.parse(bytes, format: .jsonl)
        } catch {
            throw WorkloadError("\(historyURL.path): \(error)")
        }
        return (bytes, history)
    }

    /// Reads `historyURL` and checks it, giving up with `.unknown` after `budget` seconds.
    /// Throws when the file cannot be read or is not a valid history (with the line).
    public static func check(historyURL: URL, budget: Double) throws -> HistoryVerdict {
        let started = Date()
        let (bytes, history) = try readHistory(historyURL)
        let modelName = history.suggestedModel ?? HistoryRecorder.model
        guard let model = Models.named(modelName) else {
            throw WorkloadError("\(historyURL.path) names the model '\(modelName)', which the checker does not know")
        }
        let problems = validate(history: history, model: model)
        if let first = problems.first {
            throw WorkloadError("\(historyURL.path): \(first)\(problems.count > 1 ? " (and \(problems.count - 1) more)" : "")")
        }
        let result = Linearizability.check(history: history, model: model, options: CheckOptions(timeout: budget))
        let outcome: Outcome
        var explanation: String?
        switch result.verdict {
        case .linearizable:
            outcome = .linearizable
        case .notLinearizable:
            outcome = .notLinearizable
            explanation = result.explanation?.text
        case .unknown(let why):
            outcome = .unknown
            let open = result.partitions.filter { $0.linearizable == nil }.sorted { $0.operationCount > $1.operationCount }
            explanation = "the check stopped undecided: \(why); \(open.count) key\(open.count == 1 ? "" : "s") undecided"
                + (open.isEmpty ? "" : " (largest: \(open.prefix(3).map { "\($0.key) with \($0.operationCount) ops" }.joined(separator: ", ")))")
        }
        return HistoryVerdict(
            outcome: outcome, explanation: explanation, model: model.name, counts: countCompletions(bytes),
            operationsChecked: result.operationCount, partitions: result.partitions.count,
            seconds: Date().timeIntervalSince(started))
    }

    /// Counts `"type":"..."` fields by a byte scan: the reader drops fail events, and decoding
    /// every line again would cost seconds on a large history.
    static func countCompletions(_ bytes: [UInt8]) -> OperationCounts {
        var counts = OperationCounts()
        let needle = Array("\"type\"".utf8)
        var i = 0
        let n = bytes.count
        while i + needle.count < n {
            guard bytes[i] == 0x22, bytes[i..<(i + needle.count)].elementsEqual(needle) else {
                i += 1
                continue
            }
            var j = i + needle.count
            while j < n, bytes[j] == 0x20 || bytes[j] == 0x3A || bytes[j] == 0x09 { j += 1 }
            guard j < n, bytes[j] == 0x22 else {
                i = j
                continue
            }
            var k = j + 1
            while k < n, bytes[k] != 0x22 { k += 1 }
            switch String(decoding: bytes[(j + 1)..<min(k, n)], as: UTF8.self) {
            case "invoke": counts.open += 1
            case "ok": counts.ok += 1; counts.open -= 1
            case "fail": counts.fail += 1; counts.open -= 1
            case "info": counts.info += 1; counts.open -= 1
            default: break
            }
            i = k
        }
        counts.open = max(0, counts.open)
        return counts
    }
}
