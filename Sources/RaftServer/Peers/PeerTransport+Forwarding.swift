import NIOCore
import RaftCore

// Forwarded client requests (follower → leader) and their replies travel many per loop turn
// under pipelining: each is written at once but flushed by a task at the end of the turn, so
// a pipeline of 16 forwarded SETs costs one send syscall, not 16. (A flush with nothing left
// to send is free.)
extension PeerTransport {
    /// Queues a forwarded request for `peer`; false if there is no link to it.
    func queueForward(_ frame: PeerFrame, to peer: NodeID) -> Bool {
        guard let link = links[peer] else { return false }
        link.send(frame)
        loop.execute { link.flush() }
        return true
    }

    /// Writes the reply to a forwarded request on the channel it came from.
    static func replyToForward(_ bytes: [UInt8], on channel: any Channel) {
        channel.write(channel.allocator.buffer(bytes: bytes), promise: nil)
        channel.eventLoop.execute { channel.flush() }
    }
}
