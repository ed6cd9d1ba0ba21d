// The byte format of a `.configuration` entry's data. PeerWire and storage treat entry data as
// opaque, so the core owns this format; it is versioned so it can grow without ambiguity.
//
//   byte 0      format version (1)
//   byte 1      kind (ConfChange.Kind raw value)
//   bytes 2..5  node id length N, big-endian UInt32, then N bytes of UTF-8
//   next 4      address length M, big-endian UInt32, then M bytes of UTF-8

public enum ConfChangeDecodingError: Error, Sendable, Equatable {
    case empty
    case unsupportedVersion(UInt8)
    case unknownKind(UInt8)
    case truncated
    case invalidUTF8
    case trailingBytes(Int)
}

extension ConfChange {
    public static let formatVersion: UInt8 = 1

    public var encoded: [UInt8] {
        var out: [UInt8] = [Self.formatVersion, kind.rawValue]
        for text in [node.rawValue, address] {
            let bytes = Array(text.utf8)
            let n = UInt32(bytes.count)
            out += [UInt8(n >> 24), UInt8((n >> 16) & 0xFF), UInt8((n >> 8) & 0xFF), UInt8(n & 0xFF)]
            out += bytes
        }
        return out
    }

    public init(decoding bytes: [UInt8]) throws(ConfChangeDecodingError) {
        guard let version = bytes.first else { throw .empty }
        guard version == Self.formatVersion else { throw .unsupportedVersion(version) }
        guard bytes.count >= 2 else { throw .truncated }
        guard let kind = Kind(rawValue: bytes[1]) else { throw .unknownKind(bytes[1]) }
        var cursor = 2
        func text() throws(ConfChangeDecodingError) -> String {
            guard bytes.count - cursor >= 4 else { throw .truncated }
            var n = 0
            for i in 0..<4 { n = (n << 8) | Int(bytes[cursor + i]) }
            cursor += 4
            guard bytes.count - cursor >= n else { throw .truncated }
            let slice = bytes[cursor..<(cursor + n)]
            cursor += n
            guard let s = String(validating: slice, as: UTF8.self) else { throw .invalidUTF8 }
            return s
        }
        let node = try text()
        let address = try text()
        guard cursor == bytes.count else { throw .trailingBytes(bytes.count - cursor) }
        self.init(kind: kind, node: NodeID(node), address: address)
    }
}

extension Configuration {
    /// The configuration after `change`, or why the change makes no sense here. Pure and
    /// deterministic: every node computes the same result from the same log.
    public func applying(_ change: ConfChange) throws(ProposalError) -> Configuration {
        var next = self
        let n = change.node
        switch change.kind {
        case .addLearner:
            guard !voters.contains(n), !learners.contains(n) else {
                throw .invalidConfChange("\(n) is already a member")
            }
            next.learners.insert(n)
        case .promoteToVoter:
            guard learners.contains(n) else { throw .invalidConfChange("\(n) is not a learner") }
            next.learners.remove(n)
            next.voters.insert(n)
        case .addVoter:
            guard !voters.contains(n) else { throw .invalidConfChange("\(n) is already a voter") }
            next.learners.remove(n)
            next.voters.insert(n)
        case .remove:
            guard members.contains(n) else { throw .invalidConfChange("\(n) is not a member") }
            guard !(voters == [n]) else { throw .invalidConfChange("cannot remove the last voter") }
            next.voters.remove(n)
            next.learners.remove(n)
            next.addresses[n] = nil
        }
        if change.kind != .remove, !change.address.isEmpty { next.addresses[n] = change.address }
        return next
    }
}
