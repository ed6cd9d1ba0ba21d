// One value of the Redis serialization protocol, RESP2 and RESP3.
// Replies are built as RESP3 values; the encoder downgrades them for RESP2 connections
// (map -> flat array, null -> null bulk, double -> bulk string, boolean -> integer),
// as Redis itself does.

public enum RESPValue: Hashable, Sendable {
    case simpleString(String)
    /// The whole error line without the leading "-", e.g. "ERR syntax error" or
    /// "WRONGTYPE Operation against a key holding the wrong kind of value".
    case error(String)
    case integer(Int64)
    /// Binary-safe; `nil` is the RESP2 null bulk string.
    case bulkString([UInt8]?)
    /// `nil` is the RESP2 null array.
    case array([RESPValue]?)
    // RESP3 types
    case null
    case double(Double)
    case boolean(Bool)
    /// Key-value pairs in order (a flat list of alternating keys and values would lose intent).
    case map([Pair])
    case set([RESPValue])
    case verbatimString(format: String, text: [UInt8])
    case bigNumber(String)
    case push([RESPValue])

    public struct Pair: Hashable, Sendable {
        public var key: RESPValue
        public var value: RESPValue
        public init(_ key: RESPValue, _ value: RESPValue) {
            self.key = key
            self.value = value
        }
    }
}

extension RESPValue {
    public static let ok = RESPValue.simpleString("OK")
    public static let nullBulk = RESPValue.bulkString(nil)
    public static func bulk(_ s: String) -> RESPValue { .bulkString(Array(s.utf8)) }
    public static func bulk(_ b: [UInt8]) -> RESPValue { .bulkString(b) }
    public static func err(_ message: String) -> RESPValue { .error(message) }
}
