import NIOCore
import PeerWire

/// Splits the peer byte stream into frames with PeerWire's streaming decoder. A bad frame
/// (wrong magic, checksum, size or body) is thrown into the pipeline: the connection is then
/// logged and closed (a peer sending garbage).
struct PeerFrameDecoder: ByteToMessageDecoder {
    typealias InboundOut = Frame
    private var decoder = FrameDecoder()

    mutating func decode(context: ChannelHandlerContext, buffer: inout ByteBuffer) throws -> DecodingState {
        if buffer.readableBytes > 0 {
            buffer.withUnsafeReadableBytes { decoder.feed($0) }
            buffer.moveReaderIndex(to: buffer.writerIndex)
        }
        while let frame = try decoder.next() {
            context.fireChannelRead(wrapInboundOut(frame))
        }
        return .needMoreData
    }

    mutating func decodeLast(context: ChannelHandlerContext, buffer: inout ByteBuffer, seenEOF: Bool) throws -> DecodingState {
        _ = try decode(context: context, buffer: &buffer)
        return .needMoreData
    }
}
