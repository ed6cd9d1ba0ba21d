/// Where the encoder writes: `[UInt8]` here, NIO's `ByteBuffer` in the server (which conforms
/// in RaftServer, so this target needs no NIO).
public protocol RESPByteSink {
    mutating func appendRESPByte(_ byte: UInt8)
    mutating func appendRESPBytes(_ bytes: UnsafeRawBufferPointer)
}

extension Array: RESPByteSink where Element == UInt8 {
    @inlinable
    public mutating func appendRESPByte(_ byte: UInt8) { append(byte) }
    @inlinable
    public mutating func appendRESPBytes(_ bytes: UnsafeRawBufferPointer) { append(contentsOf: bytes) }
}
