// Reads framed records from a file through a bounded buffer, so a snapshot of any size is read
// with memory proportional to its largest record, never to the file.
import WireCodec

final class RecordFileReader {
    let file: any SnapshotByteSource
    private let blockSize: Int
    private var buffer: [UInt8] = []
    private var position = 0
    /// File offset of buffer[0].
    private var bufferOffset: Int
    private var atEOF = false

    init(file: any SnapshotByteSource, startingAt offset: Int, blockSize: Int = 1 << 20) {
        self.file = file
        self.bufferOffset = offset
        self.blockSize = blockSize
    }

    /// File offset of the next unread byte.
    var offset: Int { bufferOffset + position }

    /// Ensures `n` unread bytes are buffered; false if the file ends first.
    private func fill(_ n: Int) throws(StorageError) -> Bool {
        while buffer.count - position < n {
            if atEOF { return false }
            if position > 0 {
                buffer.removeFirst(position)
                bufferOffset += position
                position = 0
            }
            let chunk = try file.read(count: max(blockSize, n - buffer.count), at: bufferOffset + buffer.count)
            if chunk.isEmpty { atEOF = true }
            buffer.append(contentsOf: chunk)
        }
        return true
    }

    func readBytes(_ n: Int) throws(StorageError) -> [UInt8]? {
        guard try fill(n) else { return nil }
        defer { position += n }
        return Array(buffer[position..<position + n])
    }

    /// The next record as (type, payload, file offset); nil at a clean end of file. A partial or
    /// damaged record throws `.corrupt` with its offset.
    func next() throws(StorageError) -> (type: UInt8, payload: [UInt8], offset: Int)? {
        let start = offset
        guard try fill(1) else { return nil }
        guard try fill(RecordFraming.headerSize) else {
            throw .corrupt(path: file.name, offset: start, reason: "partial record header")
        }
        let check = buffer.withUnsafeBytes { RecordFraming.checkHeader(UnsafeRawBufferPointer(rebasing: $0[position...]), at: 0) }
        guard case .ok(let length, let crc) = check else {
            throw .corrupt(path: file.name, offset: start, reason: "bad record header")
        }
        guard try fill(RecordFraming.headerSize + length) else {
            throw .corrupt(path: file.name, offset: start, reason: "record of \(length) bytes runs past the end of the file")
        }
        let bodyStart = position + RecordFraming.headerSize
        let actual = buffer.withUnsafeBytes { CRC32C.checksum(UnsafeRawBufferPointer(rebasing: $0[bodyStart..<bodyStart + length])) }
        if actual != crc { throw .corrupt(path: file.name, offset: start, reason: "record checksum mismatch") }
        let type = buffer[bodyStart]
        let payload = Array(buffer[bodyStart + 1..<bodyStart + length])
        position = bodyStart + length
        return (type, payload, start)
    }
}
