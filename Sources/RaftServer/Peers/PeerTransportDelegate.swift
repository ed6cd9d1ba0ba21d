import NIOCore
import PeerWire
import RESP
import RaftCore

/// What the peer port hands to the node, on the node's loop. The transport holds its delegate
/// weakly: the node owns the transport, and the transport never reaches into the node.
protocol PeerTransportDelegate: AnyObject {
    /// A Raft message for this node (the shell holds an InstallSnapshot until its file is in, §7).
    func peerReceived(_ message: Message)
    /// A request a follower relayed; the future is its reply, sent back on the same connection.
    /// `peer` is the sender named by the connection's handshake.
    func peerForwarded(_ request: ForwardRequest, from peer: NodeID?) -> EventLoopFuture<RESPValue>
    /// The leader answered a request this node relayed.
    func peerAnswered(_ response: ForwardResponse)
    /// A dial to `peer` failed.
    func peerUnreachable(_ peer: NodeID)
    /// The file of the leader's snapshot `metadata` is in, validated and durable.
    func snapshotFileReceived(_ metadata: SnapshotMetadata)
    /// Receiving the file of `metadata` failed; the leader sends it again later.
    func snapshotFileFailed(_ metadata: SnapshotMetadata)
    /// The outbound link to `peer` closed or could not be made: requests relayed over it will
    /// never be answered (replies come back on the connection a request went out on).
    func peerLinkLost(_ peer: NodeID)
}
