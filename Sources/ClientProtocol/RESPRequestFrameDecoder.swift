import NIOCore
import RESP

/// What the client port's decoder produces.
public enum ClientRequestFrame: Sendable, Hashable {
    /// A whole request: command name and arguments, binary-safe.
    case command([[UInt8]])
    /// The client sent bytes that are not RESP. Reported once; the connection must answer
    /// `error.reply` and close, as Redis does. Nothing is decoded after it.
    case protocolError(RESPProtocolError)
}

/// Turns client-port bytes into `ClientRequestFrame`s with `RESPRequestParser`, which keeps its
/// place across reads: bytes of completed arguments leave the buffer at once, and a partial
/// request is never parsed again from its start.
public struct RESPRequestFrameDecoder: ByteToMessageDecoder {
    public typealias InboundOut = ClientRequestFrame

    private var parser: RESPRequestParser

    public init(limits: RESPRequestLimits = .redis) {
        parser = RESPRequestParser(limits: limits)
    }

    public mutating func decode(context: ChannelHandlerContext, buffer: inout ByteBuffer) throws -> DecodingState {
        let (consumed, step) = buffer.withUnsafeReadableBytes { parser.parse($0) }
        buffer.moveReaderIndex(forwardBy: consumed)
        switch step {
        case .command(let arguments):
            context.fireChannelRead(wrapInboundOut(.command(arguments)))
            return .continue
        case .protocolError(let error):
            context.fireChannelRead(wrapInboundOut(.protocolError(error)))
            // The parser is now failed and swallows further input.
            return .continue
        case .needMoreData:
            return .needMoreData
        }
    }

    public mutating func decodeLast(context: ChannelHandlerContext, buffer: inout ByteBuffer, seenEOF: Bool) throws -> DecodingState {
        // Whole requests that arrived before EOF are still answered (half-close policy); a
        // trailing partial request can never complete and is dropped.
        while try decode(context: context, buffer: &buffer) == .continue {}
        buffer.moveReaderIndex(to: buffer.writerIndex)
        return .needMoreData
    }
}
