// The client-visible value kinds of the keyspace.

// Every case's payload is one reference (the list and the sorted set, which are several words
// wide, are boxed), so a StoredValue is one word: with 632k keys the dictionary's value array
// holds a million of them (its capacity is a power of two), and each word there is 8 MB.
// Mutating in place stays unique: `KeyValueStore.modify` users replace the value before they
// change their copy, which frees the box.
public enum StoredValue: Equatable, Sendable {
    case string([UInt8])
    case hash([ByteKey: [UInt8]])
    /// Element 0 is the head (LPUSH side).
    indirect case list(ByteList)
    case set(Set<ByteKey>)
    indirect case zset(SortedSet)

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
/// Two words: the deadline is stored without an optional's extra byte, which would pad the
/// record to three words in every dictionary slot.
public struct Record: Equatable, Sendable {
    public var value: StoredValue
    /// `Int64.min` for none. A deadline of `Int64.min` itself (only a crafted snapshot or
    /// RESTORE payload could carry one) is kept as `Int64.min + 1`: as far in the past, so the
    /// key is just as expired.
    private var deadline: Int64

    /// `nil`: the key never expires.
    public var expiresAt: Int64? {
        get { deadline == Int64.min ? nil : deadline }
        set { deadline = Self.stored(newValue) }
    }

    public init(value: StoredValue, expiresAt: Int64? = nil) {
        self.value = value
        self.deadline = Self.stored(expiresAt)
    }

    @inline(__always) private static func stored(_ d: Int64?) -> Int64 {
        guard let d else { return Int64.min }
        return d == Int64.min ? Int64.min + 1 : d
    }
}
