/// Size limits for client requests. Defaults are Redis's (proto-max-bulk-len 512 MB,
/// PROTO_INLINE_MAX_SIZE 64 KiB, and the classic 1M-element multibulk cap).
public struct RESPRequestLimits: Hashable, Sendable {
    /// Largest accepted bulk string argument, in bytes.
    public var maxBulkLength: Int
    /// Largest accepted number of arguments in one multibulk request.
    public var maxMultibulkLength: Int
    /// Largest inline command line, and largest `*N` / `$N` header line, in bytes.
    public var maxInlineLength: Int

    public init(
        maxBulkLength: Int = 512 * 1024 * 1024,
        maxMultibulkLength: Int = 1024 * 1024,
        maxInlineLength: Int = 64 * 1024
    ) {
        self.maxBulkLength = maxBulkLength
        self.maxMultibulkLength = maxMultibulkLength
        self.maxInlineLength = maxInlineLength
    }

    public static let redis = RESPRequestLimits()
}
