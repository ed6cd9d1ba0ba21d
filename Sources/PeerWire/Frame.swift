// What travels on the peer port (P+1). See docs/peer-protocol.md for the byte layout.
import RaftCore
// The byte readers, writers, checksum and Raft type encodings live in WireCodec (shared with
// RaftStorage); re-exported so that `import PeerWire` keeps offering the whole wire API.
@_exported import WireCodec

/// The protocol constants. Bump `version` on any incompatible change to a frame body.
public enum PeerWire {
    /// "RF": the first two bytes of every frame.
    public static let magic: UInt16 = 0x5246
    public static let version: UInt8 = 1
    /// magic u16 + version u8 + type u8 + body length u32.
    public static let headerSize = 8
    /// The CRC-32C trailer.
    public static let trailerSize = 4
    public static let defaultMaxFrameBody = WireLimits.maxBody
    /// Snapshot bytes travel in chunks no larger than this, so no frame or buffer needs a whole state.
    public static let maxSnapshotChunk = WireLimits.maxSnapshotChunk
}

/// The first frame each side sends on a new connection.
///
/// With a cluster secret, `nonce` is the sender's random challenge and `mac` its answer to the
/// peer's: the three-frame exchange and the MAC's exact input are in PeerAuthentication.swift
/// (HMAC-SHA256 from swift-crypto). Without one, `mac` is empty and nothing is checked.
public struct Handshake: Hashable, Sendable {
    public var sender: NodeID
    public var clusterID: String
    public var nonce: [UInt8]
    public var mac: [UInt8]
    public init(sender: NodeID, clusterID: String, nonce: [UInt8] = [], mac: [UInt8] = []) {
        self.sender = sender
        self.clusterID = clusterID
        self.nonce = nonce
        self.mac = mac
    }
}

/// Whether a forwarded client command reads or writes (it decides ReadIndex versus proposal).
public enum ForwardKind: UInt8, Hashable, Sendable {
    case read = 0
    case write = 1
}

/// A follower relays a client's command to the leader.
public struct ForwardRequest: Hashable, Sendable {
    public var requestID: UInt64
    public var kind: ForwardKind
    /// The command and its arguments as the client sent them (RESP bulk strings).
    public var args: [[UInt8]]
    public init(requestID: UInt64, kind: ForwardKind, args: [[UInt8]]) {
        self.requestID = requestID
        self.kind = kind
        self.args = args
    }
}

/// The leader's answer to a `ForwardRequest`.
public struct ForwardResponse: Hashable, Sendable {
    public var requestID: UInt64
    /// An encoded RESP reply, passed to the client unchanged.
    public var reply: [UInt8]
    public init(requestID: UInt64, reply: [UInt8]) {
        self.requestID = requestID
        self.reply = reply
    }
}

/// A follower that kept part of a snapshot file after its connection broke tells the leader how
/// much it holds, so the leader sends the rest instead of the whole file again.
public struct SnapshotResume: Hashable, Sendable {
    public var snapshotIndex: LogIndex
    public var snapshotTerm: Term
    /// Bytes of the file the follower holds, from offset 0.
    public var offset: UInt64
    public init(snapshotIndex: LogIndex, snapshotTerm: Term, offset: UInt64) {
        self.snapshotIndex = snapshotIndex
        self.snapshotTerm = snapshotTerm
        self.offset = offset
    }
}

public enum Frame: Hashable, Sendable {
    case handshake(Handshake)
    case message(Message)
    case snapshotChunk(SnapshotChunk)
    /// Follower to leader: "I hold this many bytes of that snapshot" (a resumed transfer).
    case snapshotResume(SnapshotResume)
    case forwardRequest(ForwardRequest)
    case forwardResponse(ForwardResponse)
    /// Many forwarded requests in one frame (a follower relays a whole loop turn's writes at once).
    case forwardRequests([ForwardRequest])
    /// Many forward replies in one frame.
    case forwardResponses([ForwardResponse])

    /// The frame type byte of the header.
    public enum Kind: UInt8, Sendable {
        case handshake = 1
        case message = 2
        case snapshotChunk = 3
        case forwardRequest = 4
        case forwardResponse = 5
        case forwardRequestBatch = 6
        case forwardResponseBatch = 7
        case snapshotResume = 8
    }

    public var kind: Kind {
        switch self {
        case .handshake: .handshake
        case .message: .message
        case .snapshotChunk: .snapshotChunk
        case .forwardRequest: .forwardRequest
        case .forwardResponse: .forwardResponse
        case .forwardRequests: .forwardRequestBatch
        case .forwardResponses: .forwardResponseBatch
        case .snapshotResume: .snapshotResume
        }
    }
}
