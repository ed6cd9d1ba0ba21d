/// Writes `RESPValue`s as RESP2 or RESP3 bytes.
///
/// Replies are built as RESP3 values; for RESP2 connections they are downgraded as Redis does
/// (see `addReply*` in networking.c): map -> flat array of key, value, ...; set and push ->
/// array; null -> `$-1` (a null array stays `*-1`); double -> bulk string; boolean ->
/// integer 1/0; verbatim string -> bulk string of its text; big number -> bulk string.
///
/// Simple strings and errors cannot hold CR or LF; like Redis, those bytes are replaced by
/// spaces so a reply can never break the framing.
public enum RESPEncoder {
    public static func encode(_ value: RESPValue, version: RESPVersion) -> [UInt8] {
        var out: [UInt8] = []
        encode(value, version: version, into: &out)
        return out
    }

    /// Inlinable so that the client port's call specialises for its ByteBuffer: called across
    /// modules unspecialised, every reply paid for generic metadata lookups (leader profile).
    @inlinable
    public static func encode<Sink: RESPByteSink>(_ value: RESPValue, version: RESPVersion, into out: inout Sink) {
        let v3 = version == .resp3
        switch value {
        case .simpleString(let s):
            writeLine(UInt8(ascii: "+"), s, into: &out)
        case .error(let s):
            writeLine(UInt8(ascii: "-"), s, into: &out)
        case .integer(let n):
            writeHeader(UInt8(ascii: ":"), n, into: &out)
        case .bulkString(nil):
            writeNull(v3, aggregate: false, into: &out)
        case .bulkString(let bytes?):
            writeBlob(UInt8(ascii: "$"), bytes, into: &out)
        case .array(nil):
            writeNull(v3, aggregate: true, into: &out)
        case .array(let elements?):
            writeAggregate(UInt8(ascii: "*"), elements, version: version, into: &out)
        case .null:
            writeNull(v3, aggregate: false, into: &out)
        case .double(let d):
            if v3 {
                writeLine(UInt8(ascii: ","), formatDouble(d), into: &out)
            } else {
                writeBlob(UInt8(ascii: "$"), Array(formatDouble(d).utf8), into: &out)
            }
        case .boolean(let b):
            if v3 {
                writeRaw(b ? "#t\r\n" : "#f\r\n", into: &out)
            } else {
                writeRaw(b ? ":1\r\n" : ":0\r\n", into: &out)
            }
        case .map(let pairs):
            writeHeader(v3 ? UInt8(ascii: "%") : UInt8(ascii: "*"), Int64(v3 ? pairs.count : pairs.count * 2), into: &out)
            for pair in pairs {
                encode(pair.key, version: version, into: &out)
                encode(pair.value, version: version, into: &out)
            }
        case .set(let elements):
            writeAggregate(v3 ? UInt8(ascii: "~") : UInt8(ascii: "*"), elements, version: version, into: &out)
        case .push(let elements):
            writeAggregate(v3 ? UInt8(ascii: ">") : UInt8(ascii: "*"), elements, version: version, into: &out)
        case .verbatimString(let format, let text):
            if v3 {
                // The format is exactly three bytes ("txt", "mkd"); pad or cut anything else.
                var prefix = Array(format.utf8.prefix(3))
                while prefix.count < 3 { prefix.append(UInt8(ascii: " ")) }
                writeBlob(UInt8(ascii: "="), prefix + [UInt8(ascii: ":")] + text, into: &out)
            } else {
                writeBlob(UInt8(ascii: "$"), text, into: &out)
            }
        case .bigNumber(let digits):
            if v3 {
                writeLine(UInt8(ascii: "("), digits, into: &out)
            } else {
                writeBlob(UInt8(ascii: "$"), Array(digits.utf8), into: &out)
            }
        }
    }

    /// Redis's text for a double: "inf", "-inf", "nan", integral values without a fraction
    /// ("3" not "3.0"), otherwise the shortest text that reads back to the same value.
    public static func formatDouble(_ d: Double) -> String {
        if d.isNaN { return "nan" }
        if d.isInfinite { return d < 0 ? "-inf" : "inf" }
        if d == d.rounded(), abs(d) < 9_007_199_254_740_992 {
            return d == 0 && d.sign == .minus ? "-0" : String(Int64(d))
        }
        return d.description
    }

    // MARK: pieces

    @inlinable
    static func writeAggregate<Sink: RESPByteSink>(
        _ type: UInt8, _ elements: [RESPValue], version: RESPVersion, into out: inout Sink
    ) {
        writeHeader(type, Int64(elements.count), into: &out)
        for element in elements { encode(element, version: version, into: &out) }
    }

    @inlinable
    static func writeNull<Sink: RESPByteSink>(_ v3: Bool, aggregate: Bool, into out: inout Sink) {
        if v3 {
            writeRaw("_\r\n", into: &out)
        } else {
            writeRaw(aggregate ? "*-1\r\n" : "$-1\r\n", into: &out)
        }
    }

    @inlinable
    static func writeRaw<Sink: RESPByteSink>(_ s: StaticString, into out: inout Sink) {
        out.appendRESPBytes(UnsafeRawBufferPointer(start: s.utf8Start, count: s.utf8CodeUnitCount))
    }

    @inlinable
    static func writeLine<Sink: RESPByteSink>(_ type: UInt8, _ text: String, into out: inout Sink) {
        out.appendRESPByte(type)
        // A native string's bytes are written in place (no copy of the string, as `withUTF8` on
        // a `var` made); CR and LF become spaces on the slow path.
        let clean = text.utf8.withContiguousStorageIfAvailable { u -> Bool in
            guard !u.contains(where: { $0 == 0x0D || $0 == 0x0A }) else { return false }
            out.appendRESPBytes(UnsafeRawBufferPointer(u))
            return true
        } ?? false
        if !clean {
            let cleaned = text.utf8.map { $0 == 0x0D || $0 == 0x0A ? UInt8(ascii: " ") : $0 }
            cleaned.withUnsafeBytes { out.appendRESPBytes($0) }
        }
        out.appendRESPByte(0x0D)
        out.appendRESPByte(0x0A)
    }

    @inlinable
    static func writeBlob<Sink: RESPByteSink>(_ type: UInt8, _ bytes: [UInt8], into out: inout Sink) {
        writeHeader(type, Int64(bytes.count), into: &out)
        bytes.withUnsafeBytes { out.appendRESPBytes($0) }
        out.appendRESPByte(0x0D)
        out.appendRESPByte(0x0A)
    }

    /// `type`, the decimal `n`, CRLF — without allocating.
    @inlinable
    static func writeHeader<Sink: RESPByteSink>(_ type: UInt8, _ n: Int64, into out: inout Sink) {
        withUnsafeTemporaryAllocation(of: UInt8.self, capacity: 24) { buf in
            var i = 24
            buf[i - 1] = 0x0A
            buf[i - 2] = 0x0D
            i -= 2
            var magnitude = n.magnitude
            repeat {
                i -= 1
                buf[i] = UInt8(ascii: "0") + UInt8(magnitude % 10)
                magnitude /= 10
            } while magnitude > 0
            if n < 0 {
                i -= 1
                buf[i] = UInt8(ascii: "-")
            }
            i -= 1
            buf[i] = type
            out.appendRESPBytes(UnsafeRawBufferPointer(rebasing: UnsafeMutableRawBufferPointer(buf)[i..<24]))
        }
    }
}
