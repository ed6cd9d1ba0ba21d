/// Size limits for client requests. Defaults are Redis's (proto-max-bulk-len 512 MB,
/// PROTO_INLINE_MAX_SIZE 64 KiB, and the classic 1M-element multibulk cap).
public struct RESPRequestLimits: Hashable, Sendable {
    /// Largest accepted bulk string argument, in bytes.
    public var maxBulkLength: Int
    /// Largest accepted number of arguments in one multibulk request.
    public var maxMultibulkLength: Int
    /// Largest inline command line, and largest `*N` / `$N` header line, in bytes.
    public var maxInlineLength: Int
    /// Largest sum of the argument lengths of one multibulk request. Redis has no such limit
    /// (unlimited here by default); a replicated server needs one, since a request becomes a
    /// log entry and a message to the other servers, which have their own size limit.
    public var maxRequestBytes: Int

    public init(
        maxBulkLength: Int = 512 * 1024 * 1024,
        maxMultibulkLength: Int = 1024 * 1024,
        maxInlineLength: Int = 64 * 1024,
        maxRequestBytes: Int = .max
    ) {
        self.maxBulkLength = maxBulkLength
        self.maxMultibulkLength = maxMultibulkLength
        self.maxInlineLength = maxInlineLength
        self.maxRequestBytes = maxRequestBytes
    }

    public static let redis = RESPRequestLimits()
}
