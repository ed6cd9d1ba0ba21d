// The client-visible value kinds of the keyspace.

public enum StoredValue: Equatable, Sendable {
    case string([UInt8])
    case hash([ByteKey: [UInt8]])
    /// Element 0 is the head (LPUSH side).
    case list(ByteList)
    case set(Set<ByteKey>)
    case zset(SortedSet)

    /// The name TYPE replies with.
    public var typeName: String {
        switch self {
        case .string: "string"
        case .hash: "hash"
        case .list: "list"
        case .set: "set"
        case .zset: "zset"
        }
    }
}

/// One key's value and its absolute expiry deadline (milliseconds since the epoch).
public struct Record: Equatable, Sendable {
    public var value: StoredValue
    /// `nil`: the key never expires.
    public var expiresAt: Int64?

    public init(value: StoredValue, expiresAt: Int64? = nil) {
        self.value = value
        self.expiresAt = expiresAt
    }
}
