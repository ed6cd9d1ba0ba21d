// A WAL segment file: a 20-byte header (magic "RAFTWAL1", sequence number u64, CRC-32C of both),
// then framed records (RecordFraming). Files are named wal-<sequence as 16 hex digits>.log so
// that name order is log order.
import WireCodec

enum Segment {
    static let magic: [UInt8] = Array("RAFTWAL1".utf8)
    static let headerSize = 20

    static func fileName(sequence: UInt64) -> String {
        let hex = String(sequence, radix: 16)
        return "wal-" + String(repeating: "0", count: max(0, 16 - hex.count)) + hex + ".log"
    }

    static func sequence(fromFileName name: String) -> UInt64? {
        guard name.hasPrefix("wal-"), name.hasSuffix(".log"), name.count == 24 else { return nil }
        return UInt64(name.dropFirst(4).dropLast(4), radix: 16)
    }

    static func header(sequence: UInt64) -> [UInt8] {
        var w = WireWriter(capacity: headerSize)
        w.bytes.append(contentsOf: magic)
        w.u64(sequence)
        w.u32(CRC32C.checksum(w.bytes))
        return w.bytes
    }

    /// How a scan of a segment ended.
    enum ScanEnd {
        /// Every byte belonged to a valid record.
        case clean
        /// The last segment ends in a partial or damaged record with nothing valid after it: a
        /// write interrupted by a crash. The caller truncates the file at `offset`.
        case tornTail(offset: Int, reason: String)
    }

    /// Walks the records of one segment, handing each (with its byte offset) to `visit`.
    /// Damage in a non-last segment, or damage followed by a valid record, throws `.corrupt`.
    static func scan(
        _ bytes: [UInt8], path: String, sequence: UInt64, isLast: Bool,
        visit: (WALRecord, Int) throws(StorageError) -> Void
    ) throws(StorageError) -> ScanEnd {
        if bytes.count < headerSize {
            if isLast { return .tornTail(offset: 0, reason: "partial segment header (\(bytes.count) bytes)") }
            throw .corrupt(path: path, offset: 0, reason: "segment shorter than its header")
        }
        if Array(bytes[0..<headerSize]) != header(sequence: sequence) {
            throw .corrupt(path: path, offset: 0, reason: "bad segment header (magic, sequence or checksum)")
        }
        var result: Result<ScanEnd, StorageError> = .success(.clean)
        bytes.withUnsafeBytes { b in
            var offset = headerSize
            func damaged(_ reason: String) -> Result<ScanEnd, StorageError> {
                if !isLast { return .failure(.corrupt(path: path, offset: offset, reason: reason)) }
                var p = offset + 1
                while p + RecordFraming.headerSize <= b.count {
                    if RecordFraming.validRecord(b, at: p) {
                        return .failure(.corrupt(path: path, offset: offset, reason: "\(reason); a valid record follows at byte \(p)"))
                    }
                    p += 1
                }
                return .success(.tornTail(offset: offset, reason: reason))
            }
            while offset < b.count {
                switch RecordFraming.checkHeader(b, at: offset) {
                case .short:
                    result = damaged("partial record header")
                    return
                case .badHeader:
                    result = damaged("bad record header")
                    return
                case .ok(let length, let crc):
                    let start = offset + RecordFraming.headerSize
                    if b.count - start < length {
                        result = damaged("record of \(length) bytes runs past the end of the file")
                        return
                    }
                    let body = UnsafeRawBufferPointer(rebasing: b[start..<start + length])
                    if CRC32C.checksum(body) != crc {
                        result = damaged("record checksum mismatch")
                        return
                    }
                    do {
                        var reader = WireReader(bytes, from: start + 1, to: start + length)
                        let record = try WALRecord.decode(type: b[start], &reader)
                        try visit(record, offset)
                    } catch let e as WireError {
                        result = .failure(.corrupt(path: path, offset: offset, reason: "undecodable record: \(e)"))
                        return
                    } catch let e as StorageError {
                        result = .failure(e)
                        return
                    } catch {
                        result = .failure(.corrupt(path: path, offset: offset, reason: "\(error)"))
                        return
                    }
                    offset = start + length
                }
            }
        }
        return try result.get()
    }
}
