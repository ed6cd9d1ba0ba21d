import PeerWire
import RaftCore

/// What the node sends and receives on the peer port (P+1), in PeerWire's documented frames
/// (docs/peer-protocol.md). This thin layer only adds who sent a forwarded request (known
/// from the connection's handshake).
enum PeerFrame: Sendable {
    /// First frame on every connection: who is dialing.
    case hello(from: NodeID)
    case raft(Message)
    /// A follower hands a client command to the leader (clients may talk to any node; a
    /// follower relays rather than redirects, so any Redis client works). `from` is filled in
    /// by the receiving connection from its handshake.
    case forwardRequest(id: UInt64, from: NodeID, arguments: [[UInt8]])
    /// The leader's answer, the reply encoded as RESP3 bytes.
    case forwardResponse(id: UInt64, reply: [UInt8])
    /// Many forwarded requests (or replies) in one frame: a loop turn's worth.
    case forwardRequests([ForwardRequest])
    case forwardResponses([ForwardResponse])
    /// A piece of a snapshot file, sent after the InstallSnapshot message that announces it (§7).
    case snapshotChunk(SnapshotChunk)

    static let clusterID = "raft-node"

    var wire: Frame {
        switch self {
        case .hello(let from): .handshake(Handshake(sender: from, clusterID: Self.clusterID))
        case .raft(let m): .message(m)
        case .forwardRequest(let id, _, let args): .forwardRequest(ForwardRequest(requestID: id, kind: .write, args: args))
        case .forwardResponse(let id, let reply): .forwardResponse(ForwardResponse(requestID: id, reply: reply))
        case .forwardRequests(let rs): .forwardRequests(rs)
        case .forwardResponses(let rs): .forwardResponses(rs)
        case .snapshotChunk(let c): .snapshotChunk(c)
        }
    }

    init(_ frame: Frame) {
        switch frame {
        case .handshake(let h): self = .hello(from: h.sender)
        case .message(let m): self = .raft(m)
        case .forwardRequest(let r): self = .forwardRequest(id: r.requestID, from: NodeID(""), arguments: r.args)
        case .forwardResponse(let r): self = .forwardResponse(id: r.requestID, reply: r.reply)
        case .forwardRequests(let rs): self = .forwardRequests(rs)
        case .forwardResponses(let rs): self = .forwardResponses(rs)
        case .snapshotChunk(let c): self = .snapshotChunk(c)
        }
    }

    func encoded() -> [UInt8] { FrameCodec.encode(wire) }
}
