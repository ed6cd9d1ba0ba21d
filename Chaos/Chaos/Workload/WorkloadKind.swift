/// Which workload `raft-chaos run --workload` drives, and so which check judges its history.
public enum WorkloadKind: String, Sendable, CaseIterable, Codable {
    /// Registers (read, write, cas), map keys (set, get, del) and set adds, mixed in one
    /// history; checked for linearizability, plus the final read for lost adds (the default).
    case mixed
    /// Transactions of appends (RPUSH) and whole-list reads (LRANGE) over a few keys, sent as
    /// MULTI ... EXEC; checked for strict serializability with Elle's list-append inference (real-time
    /// order included), plus the final read for lost appends.
    case listAppend = "list-append"

    /// The property the run's check decides.
    public var property: String {
        switch self {
        case .mixed: return "linearizable"
        case .listAppend: return "strict serializable"
        }
    }

    public static var names: String { allCases.map(\.rawValue).joined(separator: ", ") }
}
