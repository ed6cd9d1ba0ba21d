// Typed identifiers, so a term is never passed where an index is expected.

/// A node's identity. pyraft uses free-form strings ("1", or the client address), so we do too.
public struct NodeID: Hashable, Comparable, Sendable, CustomStringConvertible, ExpressibleByStringLiteral {
    public let rawValue: String
    public init(_ rawValue: String) { self.rawValue = rawValue }
    public init(stringLiteral value: String) { self.rawValue = value }
    public var description: String { rawValue }
    public static func < (a: NodeID, b: NodeID) -> Bool { a.rawValue < b.rawValue }
}

/// A Raft term (§5.1). Terms only grow.
public struct Term: Hashable, Comparable, Sendable, CustomStringConvertible, ExpressibleByIntegerLiteral {
    public var rawValue: UInt64
    public init(_ rawValue: UInt64) { self.rawValue = rawValue }
    public init(integerLiteral value: UInt64) { self.rawValue = value }
    public var description: String { String(rawValue) }
    public static func < (a: Term, b: Term) -> Bool { a.rawValue < b.rawValue }
    public static let zero = Term(0)
    public var next: Term { Term(rawValue + 1) }
}

/// A position in the replicated log, starting at 1; 0 means "before the first entry".
public struct LogIndex: Hashable, Comparable, Sendable, CustomStringConvertible, ExpressibleByIntegerLiteral, Strideable {
    public var rawValue: UInt64
    public init(_ rawValue: UInt64) { self.rawValue = rawValue }
    public init(integerLiteral value: UInt64) { self.rawValue = value }
    public var description: String { String(rawValue) }
    public static func < (a: LogIndex, b: LogIndex) -> Bool { a.rawValue < b.rawValue }
    public static let zero = LogIndex(0)
    public var next: LogIndex { LogIndex(rawValue + 1) }
    public var previous: LogIndex { LogIndex(rawValue == 0 ? 0 : rawValue - 1) }
    public func distance(to other: LogIndex) -> Int64 { Int64(bitPattern: other.rawValue &- rawValue) }
    public func advanced(by n: Int64) -> LogIndex { LogIndex(UInt64(bitPattern: Int64(bitPattern: rawValue) &+ n)) }
}
