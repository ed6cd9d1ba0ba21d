// A ReadIndex answer.

/// A ReadIndex answer (§6.4 of the dissertation): once the local applied index reaches `index`,
/// a read tagged `requestID` may be served linearizably.
public struct ReadState: Hashable, Sendable {
    public var requestID: UInt64
    public var index: LogIndex
    public init(requestID: UInt64, index: LogIndex) {
        self.requestID = requestID
        self.index = index
    }
}
