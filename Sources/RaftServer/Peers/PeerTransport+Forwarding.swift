import NIOCore
import PeerWire
import RESP
import RaftCore

// Forwarded client requests (follower → leader) and their replies travel many per loop turn
// under pipelining. Each side gathers a turn's worth and sends it as one batched frame
// (docs/peer-protocol.md, types 6 and 7): one encode, one checksum, one buffer and one
// decode for the lot, instead of one frame per request. A lone request or reply still goes
// as the single frame (types 4 and 5), and a leader answers in batches only a peer that
// sends batches, so a node of the previous release keeps understanding every reply.
extension PeerTransport {
    /// Queues a forwarded request for `peer`; false if there is no link to it.
    func queueForward(_ request: ForwardRequest, to peer: NodeID) -> Bool {
        guard let link = links[peer] else { return false }
        link.forwardOutbox.append(request)
        if link.forwardOutbox.count == 1 { loop.execute { link.sendForwardOutbox() } }
        return true
    }
}

extension PeerLink {
    /// Sends the turn's forwarded requests: one frame, one flush.
    func sendForwardOutbox() {
        let batch = forwardOutbox
        forwardOutbox = []
        guard let first = batch.first else { return }
        if batch.count == 1 {
            send(.forwardRequest(first))
        } else {
            send(.forwardRequests(batch))
        }
        flush()
    }
}

extension PeerConnectionHandler {
    /// Runs a request a follower forwarded and queues its reply for this connection.
    func answerForwarded(_ request: ForwardRequest, on channel: any Channel) {
        guard let delegate = transport.delegate else { return }
        delegate.peerForwarded(request, from: remote).whenSuccess { reply in
            self.queueForwardReply(ForwardResponse(requestID: request.requestID, reply: RESPEncoder.encode(reply, version: .resp3)), on: channel)
        }
    }

    private func queueForwardReply(_ reply: ForwardResponse, on channel: any Channel) {
        forwardReplies.append(reply)
        if forwardReplies.count == 1 { channel.eventLoop.execute { self.sendForwardReplies(on: channel) } }
    }

    /// The replies that completed in this loop turn, in one frame when the peer reads batches.
    private func sendForwardReplies(on channel: any Channel) {
        let replies = forwardReplies
        forwardReplies = []
        guard !replies.isEmpty else { return }
        var w = WireWriter(capacity: 64 * replies.count)
        if peerSendsBatches && replies.count > 1 {
            FrameCodec.encode(.forwardResponses(replies), into: &w)
        } else {
            for r in replies { FrameCodec.encode(.forwardResponse(r), into: &w) }
        }
        channel.writeAndFlush(channel.allocator.buffer(bytes: w.bytes), promise: nil)
    }
}
