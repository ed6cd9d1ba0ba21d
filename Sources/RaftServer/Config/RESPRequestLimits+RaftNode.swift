import ClientProtocol
import PeerWire
import RESP

extension RESPRequestLimits {
    /// Redis's limits, except that one request (and so one argument) may not exceed half the
    /// peer protocol's frame size, 32 MiB. A request becomes a log entry, a forwarded request and
    /// an AppendEntries message: a 70 MB SET under Redis's 512 MB limit was accepted, then every
    /// follower refused the frame as oversized, the leader lost its quorum and an election
    /// followed, again at each retry. The other half of the frame is margin for framing and
    /// the entry's own encoding.
    public static let raftNode = RESPRequestLimits(
        maxBulkLength: PeerWire.defaultMaxFrameBody / 2,
        maxRequestBytes: PeerWire.defaultMaxFrameBody / 2
    )
}

extension ClientProtocolConfiguration {
    /// The node's client port: the protocol server's defaults with the node's request limits.
    public static var raftNode: ClientProtocolConfiguration { ClientProtocolConfiguration(limits: .raftNode) }
}
