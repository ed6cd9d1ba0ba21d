import NIOCore
import RESP

// The client side of the protocol, for NIO clients such as follower-to-leader forwarding:
// requests out as RESP arrays of bulk strings, replies in with the full RESP3 grammar.

/// Decodes server replies (RESP2 or RESP3) into `RESPValue`s. A malformed reply is an error
/// thrown into the pipeline (the connection cannot be trusted after it).
public struct RESPReplyFrameDecoder: ByteToMessageDecoder {
    public typealias InboundOut = RESPValue

    private var parser: RESPReplyParser

    public init(limits: RESPReplyParser.Limits = .init()) {
        parser = RESPReplyParser(limits: limits)
    }

    public mutating func decode(context: ChannelHandlerContext, buffer: inout ByteBuffer) throws -> DecodingState {
        let parsed = buffer.withUnsafeReadableBytes { bytes in
            Result { () throws(RESPProtocolError) in try parser.parse(bytes) }
        }
        guard let (value, consumed) = try parsed.get() else { return .needMoreData }
        buffer.moveReaderIndex(forwardBy: consumed)
        context.fireChannelRead(wrapInboundOut(value))
        return .continue
    }

    public mutating func decodeLast(context: ChannelHandlerContext, buffer: inout ByteBuffer, seenEOF: Bool) throws -> DecodingState {
        while try decode(context: context, buffer: &buffer) == .continue {}
        return .needMoreData
    }
}

/// Encodes outgoing `RESPValue`s in a fixed protocol version; a request is
/// `.array(args.map { .bulkString($0) })`, see `RESPValue.command(_:)`.
public struct RESPValueEncoder: MessageToByteEncoder {
    public typealias OutboundIn = RESPValue

    public let version: RESPVersion

    public init(version: RESPVersion = .resp2) {
        self.version = version
    }

    public func encode(data: RESPValue, out: inout ByteBuffer) throws {
        RESPEncoder.encode(data, version: version, into: &out)
    }
}
