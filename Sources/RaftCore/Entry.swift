// One entry of the replicated log and its kind.

/// The kind of a log entry. The no-op opens each leader's term (§8, Figure 8); a
/// configuration entry carries a membership change (§4.1 of Ongaro's dissertation).
public enum EntryKind: UInt8, Sendable, Hashable {
    case normal = 0
    case noop = 1
    case configuration = 2
}

/// One entry of the replicated log. `data` is opaque to the core: the application's command,
/// or for `.configuration` an encoded `ConfChange` (see `ConfChange.encoded`).
public struct Entry: Hashable, Sendable {
    public var term: Term
    public var index: LogIndex
    public var kind: EntryKind
    public var data: [UInt8]
    public init(term: Term, index: LogIndex, kind: EntryKind = .normal, data: [UInt8] = []) {
        self.term = term
        self.index = index
        self.kind = kind
        self.data = data
    }
}
