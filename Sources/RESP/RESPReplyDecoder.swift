/// `RESPReplyParser` with its own input buffer, for clients without NIO (tests, tools):
/// append bytes as they arrive, then take whole replies.
public struct RESPReplyDecoder: Sendable {
    private var parser: RESPReplyParser
    private var buffer = ByteAccumulator()

    public init(limits: RESPReplyParser.Limits = .init()) {
        parser = RESPReplyParser(limits: limits)
    }

    public var bufferedByteCount: Int { buffer.count }

    public mutating func append<Bytes: Sequence>(_ bytes: Bytes) where Bytes.Element == UInt8 {
        buffer.append(contentsOf: bytes)
    }

    /// The next whole reply, or nil when more bytes are needed.
    public mutating func next() throws(RESPProtocolError) -> RESPValue? {
        let outcome = buffer.withUnreadBytes { bytes in
            Result { () throws(RESPProtocolError) in try parser.parse(bytes) }
        }
        guard let (value, consumed) = try outcome.get() else { return nil }
        buffer.consume(consumed)
        return value
    }
}
