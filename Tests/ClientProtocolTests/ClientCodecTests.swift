import NIOCore
import NIOEmbedded
import RESP
import Testing
@testable import ClientProtocol

@Suite("Client-side codec and ByteBuffer encoding")
struct ClientCodecTests {
    static let values: [RESPValue] = [
        .ok, .error("ERR x"), .integer(-3), .bulk("a\r\nb"), .null, .double(0.5), .boolean(false),
        .map([.init(.bulk("k"), .array([.integer(1), .set([.bulk("s")])]))]),
        .push([.bulk("message")]), .verbatimString(format: "txt", text: bytes("hi")), .bigNumber("123"),
    ]

    @Test func encodingIntoAByteBufferGivesTheSameBytesAsIntoAnArray() {
        for version in RESPVersion.allCases {
            for value in Self.values {
                var buffer = ByteBuffer()
                RESPEncoder.encode(value, version: version, into: &buffer)
                #expect(Array(buffer.readableBytesView) == RESPEncoder.encode(value, version: version))
            }
        }
    }

    @Test func replyDecoderYieldsEveryValueWhenFedOneByteAtATime() throws {
        let channel = EmbeddedChannel(handler: ByteToMessageHandler(RESPReplyFrameDecoder()))
        defer { _ = try? channel.finish() }
        let wire = Self.values.flatMap { RESPEncoder.encode($0, version: .resp3) }
        var decoded: [RESPValue] = []
        for byte in wire {
            try channel.writeInbound(channel.allocator.buffer(bytes: [byte]))
            while let value = try channel.readInbound(as: RESPValue.self) { decoded.append(value) }
        }
        #expect(decoded == Self.values)
    }

    @Test func replyDecoderRaisesAnErrorOnGarbage() {
        let channel = EmbeddedChannel(handler: ByteToMessageHandler(RESPReplyFrameDecoder()))
        defer { _ = try? channel.finish() }
        #expect(throws: RESPProtocolError.self) {
            try channel.writeInbound(channel.allocator.buffer(bytes: bytes("?what\r\n")))
        }
    }

    @Test func valueEncoderWritesRequestsAsArraysOfBulkStrings() throws {
        let channel = EmbeddedChannel(handler: MessageToByteHandler(RESPValueEncoder()))
        defer { _ = try? channel.finish() }
        try channel.writeOutbound(RESPValue.command("SET", "k", "v"))
        let buffer = try #require(try channel.readOutbound(as: ByteBuffer.self))
        #expect(text(Array(buffer.readableBytesView)) == "*3\r\n$3\r\nSET\r\n$1\r\nk\r\n$1\r\nv\r\n")
    }
}
