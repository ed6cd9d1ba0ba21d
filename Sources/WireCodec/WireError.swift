// Every way bytes from a peer (or a file) can be wrong. The node disconnects a peer on any of
// these; the capture decoder reports them; none of them is ever a crash.

public enum WireError: Error, Hashable, Sendable, CustomStringConvertible {
    /// The frame did not start with the protocol magic: not a peer of ours, or a desynchronised stream.
    case badMagic(UInt16)
    /// A protocol version this build does not speak.
    case unsupportedVersion(UInt8)
    /// The frame's checksum does not match its bytes.
    case badChecksum(expected: UInt32, actual: UInt32)
    /// The declared body length exceeds the configured maximum.
    case frameTooLarge(length: Int, max: Int)
    /// A field ran past the end of the frame body.
    case truncated(field: String)
    /// Bytes were left over after the last field of the body.
    case trailingBytes(count: Int)
    /// An enum tag (frame type, message body, entry kind, ...) with no meaning in this version.
    case unknownTag(field: String, value: UInt8)
    /// A boolean that is neither 0 nor 1.
    case invalidBool(field: String, value: UInt8)
    /// A string that is not valid UTF-8.
    case invalidUTF8(field: String)
    /// A value outside its allowed range (for example a snapshot chunk above the chunk limit).
    case invalidValue(field: String, reason: String)

    public var description: String {
        switch self {
        case .badMagic(let m): return "bad frame magic 0x\(String(m, radix: 16))"
        case .unsupportedVersion(let v): return "unsupported protocol version \(v)"
        case .badChecksum(let e, let a):
            return "bad checksum: frame says 0x\(String(e, radix: 16)), bytes give 0x\(String(a, radix: 16))"
        case .frameTooLarge(let l, let m): return "frame body of \(l) bytes exceeds the maximum \(m)"
        case .truncated(let f): return "truncated while reading \(f)"
        case .trailingBytes(let n): return "\(n) trailing bytes after the last field"
        case .unknownTag(let f, let v): return "unknown \(f) tag \(v)"
        case .invalidBool(let f, let v): return "invalid boolean \(v) in \(f)"
        case .invalidUTF8(let f): return "invalid UTF-8 in \(f)"
        case .invalidValue(let f, let r): return "invalid \(f): \(r)"
        }
    }
}
