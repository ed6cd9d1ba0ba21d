/// Something no serial execution of the transactions could produce (Adya's phenomena as Elle
/// names them), with the transactions involved and a proof in words.
public struct TransactionAnomaly: Sendable {
    public enum Kind: String, Sendable, CaseIterable {
        /// A cycle of write-write dependencies only (dirty write).
        case g0 = "G0"
        /// A committed read of an element whose append aborted.
        case g1a = "G1a"
        /// A committed read that ends at an element its writer later followed with another append
        /// to the same key: it saw an intermediate state.
        case g1b = "G1b"
        /// A cycle of write-write and write-read dependencies with at least one write-read.
        case g1c = "G1c"
        /// A cycle with exactly one read-write anti-dependency (read skew).
        case gSingle = "G-single"
        /// A cycle with two or more anti-dependencies (write skew and the like).
        case g2 = "G2"
        /// The same four, for cycles that need real-time order (an rt edge: one transaction
        /// completed before the other began) besides the dependencies; only in the strict check.
        case g0Realtime = "G0-realtime"
        case g1cRealtime = "G1c-realtime"
        case gSingleRealtime = "G-single-realtime"
        case g2Realtime = "G2-realtime"
        /// A transaction whose own reads disagree with its own earlier reads and appends.
        case internalInconsistency = "internal"
        /// Reads of one key that are not prefixes of one another: no single order of appends.
        case incompatibleOrder = "incompatible-order"
        /// The same element appended twice to a key, or read twice in one list.
        case duplicateElements = "duplicate-elements"
        /// A read of an element nobody appended.
        case garbageRead = "garbage-read"

        /// Cycles, as opposed to anomalies of single reads.
        public var isCycle: Bool { [.g0, .g1c, .gSingle, .g2, .g0Realtime, .g1cRealtime, .gSingleRealtime, .g2Realtime].contains(self) }
    }

    public var kind: Kind
    /// The transactions that form the anomaly (for a cycle, in cycle order).
    public var transactions: [Transaction]
    /// The proof: "Let T1 = ... Then T1 < T2, because ...: a contradiction!"
    public var explanation: String
}

/// The outcome of a transactional check.
public struct TransactionCheckResult: Sendable {
    public var anomalies: [TransactionAnomaly]
    /// Acknowledged appends missing from a final read of their key (see `FinalReadCompleteness`).
    public var lostAppends: [LostAppend]
    /// Whether real-time order was checked too (strict serializability).
    public var realtime: Bool
    /// Committed and indeterminate transactions checked (aborted ones are counted apart).
    public var transactionCount: Int
    public var abortedCount: Int
    /// Inferred dependencies, per kind.
    public var dependencyCounts: [DependencyKind: Int]
    public var elapsedSeconds: Double

    /// No anomaly found: some serial order (respecting real time, where checked) explains every read.
    public var isSerializable: Bool { anomalies.isEmpty }
    /// Serializable and no acknowledged append lost.
    public var passed: Bool { isSerializable && lostAppends.isEmpty }
    /// The property checked, in words: `serializable` or `strict serializable`.
    public var property: String { realtime ? "strict serializable" : "serializable" }
    /// The verdict in words: `serializable`, `not strict serializable: G-single-realtime`,
    /// `serializable, but 2 acknowledged appends lost`.
    public var words: String {
        var w = isSerializable ? property : "not \(property): " + kinds.map(\.rawValue).joined(separator: ", ")
        if !lostAppends.isEmpty {
            w += (isSerializable ? ", but " : "; ") + "\(lostAppends.count) acknowledged append\(lostAppends.count == 1 ? "" : "s") lost"
        }
        return w
    }
    /// The kinds found, in the order of `TransactionAnomaly.Kind.allCases`.
    public var kinds: [TransactionAnomaly.Kind] {
        let found = Set(anomalies.map(\.kind))
        return TransactionAnomaly.Kind.allCases.filter(found.contains)
    }

    /// Every anomaly's proof, then the lost appends (the first 20), for a terminal.
    public var text: String {
        var parts = anomalies.map { a in "\(a.kind.rawValue):\n" + a.explanation.split(separator: "\n").map { "  " + $0 }.joined(separator: "\n") }
        if !lostAppends.isEmpty {
            parts.append("lost appends:\n" + lostAppends.prefix(20).map { "  " + $0.description }.joined(separator: "\n")
                + (lostAppends.count > 20 ? "\n  ... and \(lostAppends.count - 20) more" : ""))
        }
        return parts.joined(separator: "\n")
    }
}
