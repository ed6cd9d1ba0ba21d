/// `RESPRequestParser` with its own input buffer, for callers without a NIO `ByteBuffer`
/// (tests, benchmarks, tools): append bytes as they arrive, then take whole requests.
public struct RESPRequestDecoder: Sendable {
    private var parser: RESPRequestParser
    private var buffer = ByteAccumulator()

    public init(limits: RESPRequestLimits = .redis) {
        parser = RESPRequestParser(limits: limits)
    }

    /// Bytes received but not yet consumed by a whole request or argument.
    public var bufferedByteCount: Int { buffer.count }

    public mutating func append<Bytes: Sequence>(_ bytes: Bytes) where Bytes.Element == UInt8 {
        buffer.append(contentsOf: bytes)
    }

    /// The next whole request, or nil when more bytes are needed. Throws a protocol error once;
    /// after that the connection is dead and this returns nil.
    public mutating func next() throws(RESPProtocolError) -> [[UInt8]]? {
        let (consumed, step) = buffer.withUnreadBytes { parser.parse($0) }
        buffer.consume(consumed)
        switch step {
        case .command(let args): return args
        case .needMoreData: return nil
        case .protocolError(let error): throw error
        }
    }
}
