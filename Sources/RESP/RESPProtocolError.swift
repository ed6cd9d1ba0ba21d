/// A malformed request or reply. `message` is the whole error line a Redis server would send,
/// e.g. "ERR Protocol error: invalid bulk length", so `RESPValue.error(message)` is the reply.
public struct RESPProtocolError: Error, Hashable, Sendable, CustomStringConvertible {
    public var message: String

    public init(_ message: String) {
        self.message = message
    }

    /// The reply to send before closing the connection, as Redis does.
    public var reply: RESPValue { .error(message) }
    public var description: String { message }

    // The texts below are Redis's own (networking.c), so clients and tests written against
    // Redis recognise them.
    static let tooBigInlineRequest = RESPProtocolError("ERR Protocol error: too big inline request")
    static let unbalancedQuotes = RESPProtocolError("ERR Protocol error: unbalanced quotes in request")
    /// Not a Redis text (Redis silently ignores such a line): an inline request whose first
    /// non-blank byte is NUL, which ends the line before any argument.
    static let nulInInlineRequest = RESPProtocolError("ERR Protocol error: NUL byte in inline request")
    static let tooBigMultibulkCount = RESPProtocolError("ERR Protocol error: too big mbulk count string")
    static let invalidMultibulkLength = RESPProtocolError("ERR Protocol error: invalid multibulk length")
    static let tooBigBulkCount = RESPProtocolError("ERR Protocol error: too big bulk count string")
    static let invalidBulkLength = RESPProtocolError("ERR Protocol error: invalid bulk length")
    /// Not a Redis text (Redis has no limit on a whole request): the arguments' lengths add up
    /// to more than `RESPRequestLimits.maxRequestBytes`.
    static func tooBigRequest(limit: Int) -> RESPProtocolError {
        RESPProtocolError("ERR Protocol error: too big request (arguments over \(limit) bytes)")
    }
    static func expectedDollar(got byte: UInt8) -> RESPProtocolError {
        // Redis prints the byte raw with %c; a control byte would corrupt the reply line, so it
        // is shown escaped instead.
        let shown = (0x20..<0x7F).contains(byte) ? String(UnicodeScalar(byte)) : "\\x" + hex2(byte)
        return RESPProtocolError("ERR Protocol error: expected '$', got '\(shown)'")
    }
}

func hex2(_ byte: UInt8) -> String {
    let digits = Array("0123456789abcdef")
    return String([digits[Int(byte >> 4)], digits[Int(byte & 0x0F)]])
}
