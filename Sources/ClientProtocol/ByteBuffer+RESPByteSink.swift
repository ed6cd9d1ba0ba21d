import NIOCore
import RESP

// Lets RESPEncoder write straight into a NIO buffer, with no intermediate [UInt8].
extension ByteBuffer: RESPByteSink {
    @inlinable
    public mutating func appendRESPByte(_ byte: UInt8) { writeInteger(byte) }
    @inlinable
    public mutating func appendRESPBytes(_ bytes: UnsafeRawBufferPointer) { writeBytes(bytes) }
}
