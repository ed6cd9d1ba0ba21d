// What a snapshot covers, as the core knows it.

/// What a snapshot covers. The snapshot's bytes never pass through the core: the shell stores
/// and ships them (in chunks), and tells the core only this metadata.
public struct SnapshotMetadata: Hashable, Sendable {
    public var index: LogIndex
    public var term: Term
    public var configuration: Configuration
    public init(index: LogIndex, term: Term, configuration: Configuration) {
        self.index = index
        self.term = term
        self.configuration = configuration
    }
}
