extension RESPValue {
    /// A request as clients send it: an array of bulk strings.
    public static func command(_ arguments: [[UInt8]]) -> RESPValue {
        .array(arguments.map { .bulkString($0) })
    }

    /// A request from text arguments, e.g. `.command("SET", "k", "v")`.
    public static func command(_ arguments: String...) -> RESPValue {
        .array(arguments.map { .bulkString(Array($0.utf8)) })
    }

    /// The bytes of a bulk, simple or verbatim string, or nil for other types.
    public var stringBytes: [UInt8]? {
        switch self {
        case .bulkString(let bytes): return bytes
        case .simpleString(let s): return Array(s.utf8)
        case .verbatimString(_, let text): return text
        default: return nil
        }
    }

    /// `stringBytes` as UTF-8 text (invalid sequences repaired).
    public var stringValue: String? {
        stringBytes.map { String(decoding: $0, as: UTF8.self) }
    }
}
