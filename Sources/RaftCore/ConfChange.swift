// A membership change as it travels through the log (its bytes: ConfChangeCoding.swift).

/// A single-server membership change, replicated as an `.configuration` entry.
public struct ConfChange: Hashable, Sendable {
    public enum Kind: UInt8, Sendable, Hashable {
        case addLearner = 0
        case promoteToVoter = 1
        case addVoter = 2
        case remove = 3
    }
    public var kind: Kind
    public var node: NodeID
    public var address: String
    public init(kind: Kind, node: NodeID, address: String = "") {
        self.kind = kind
        self.node = node
        self.address = address
    }
}
