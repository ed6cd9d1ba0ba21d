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
        /// A transaction whose own reads disagree with its own earlier reads and appends.
        case internalInconsistency = "internal"
        /// Reads of one key that are not prefixes of one another: no single order of appends.
        case incompatibleOrder = "incompatible-order"
        /// The same element appended twice to a key, or read twice in one list.
        case duplicateElements = "duplicate-elements"
        /// A read of an element nobody appended.
        case garbageRead = "garbage-read"

        /// Cycles, as opposed to anomalies of single reads.
        public var isCycle: Bool { [.g0, .g1c, .gSingle, .g2].contains(self) }
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
    /// Committed and indeterminate transactions checked (aborted ones are counted apart).
    public var transactionCount: Int
    public var abortedCount: Int
    /// Inferred dependencies, per kind.
    public var dependencyCounts: [DependencyKind: Int]
    public var elapsedSeconds: Double

    /// No anomaly found: some serial order explains every read.
    public var isSerializable: Bool { anomalies.isEmpty }
    /// The kinds found, in the order of `TransactionAnomaly.Kind.allCases`.
    public var kinds: [TransactionAnomaly.Kind] {
        let found = Set(anomalies.map(\.kind))
        return TransactionAnomaly.Kind.allCases.filter(found.contains)
    }

    /// Every anomaly's proof, for a terminal.
    public var text: String {
        anomalies.map { a in "\(a.kind.rawValue):\n" + a.explanation.split(separator: "\n").map { "  " + $0 }.joined(separator: "\n") }
            .joined(separator: "\n")
    }
}
