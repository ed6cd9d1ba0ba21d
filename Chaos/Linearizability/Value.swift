/// A value carried by an operation: its argument or its result.
///
/// Small on purpose: it is what Jepsen's EDN, Porcupine's logs and the project's own JSON lines can
/// all say, and what the models compare.
public enum Value: Hashable, Sendable, CustomStringConvertible {
    case null
    case bool(Bool)
    case int(Int64)
    case string(String)
    case list([Value])

    public var description: String {
        switch self {
        case .null: return "nil"
        case .bool(let b): return b ? "true" : "false"
        case .int(let i): return String(i)
        case .string(let s): return "\"" + s + "\""
        case .list(let items): return "[" + items.map(\.description).joined(separator: " ") + "]"
        }
    }

    public var isNull: Bool { if case .null = self { return true } else { return false } }
}

extension Value: Codable {
    public init(from decoder: any Decoder) throws {
        let c = try decoder.singleValueContainer()
        if c.decodeNil() { self = .null; return }
        if let b = try? c.decode(Bool.self) { self = .bool(b); return }
        if let i = try? c.decode(Int64.self) { self = .int(i); return }
        if let s = try? c.decode(String.self) { self = .string(s); return }
        if let l = try? c.decode([Value].self) { self = .list(l); return }
        throw DecodingError.dataCorruptedError(
            in: c, debugDescription: "a value must be null, a boolean, an integer, a string or an array of those")
    }

    public func encode(to encoder: any Encoder) throws {
        var c = encoder.singleValueContainer()
        switch self {
        case .null: try c.encodeNil()
        case .bool(let b): try c.encode(b)
        case .int(let i): try c.encode(i)
        case .string(let s): try c.encode(s)
        case .list(let l): try c.encode(l)
        }
    }
}
