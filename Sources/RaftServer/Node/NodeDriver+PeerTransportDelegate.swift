import NIOCore
import PeerWire
import RESP
import RaftCore

extension NodeDriver: PeerTransportDelegate {
    func peerReceived(_ message: Message) { receive(message) }

    /// The leader decides a relayed request's kind again from its own table (the follower's
    /// `kind` names what it relayed, for captures and logs; a node never trusts it for routing).
    func peerForwarded(_ request: ForwardRequest, from peer: NodeID?) -> EventLoopFuture<RESPValue> {
        submit(request.args, forwardedFrom: peer)
    }

    func peerAnswered(_ response: ForwardResponse) { forwardAnswered(id: response.requestID, reply: response.reply) }

    func peerUnreachable(_ peer: NodeID) { reportUnreachable(peer) }

    func snapshotFileReceived(_ metadata: SnapshotMetadata) {
        guard !stopped else { return }
        shell.snapshotReceived(metadata)
        scheduleReady()
    }

    func snapshotFileFailed(_ metadata: SnapshotMetadata) { shell.snapshotReceiveFailed(metadata) }

    func peerLinkLost(_ peer: NodeID) { forwardLinkLost(to: peer) }
}
