import NIOCore
import PeerWire
import RESP
import RaftCore
import RaftShell

// Follower forwarding, the I/O half: the shell keeps the table of relayed requests (which went
// to which leader, until when) and decides when each is answered (NodeShell+Forwarding.swift);
// the driver sends them on the peer links and turns the leader's reply bytes back into a reply.

extension NodeDriver {
    /// The reply to a write whose leader was lost after it was proposed or relayed: it may still
    /// be applied (docs/OPERATIONS.md, "Did my write happen?": maybe).
    static func leaderLost() -> RESPValue {
        .error("TRYAGAIN lost the leader, write outcome unknown (a write may still be applied)")
    }

    /// Relays a request to the leader (batched with this loop turn's others) and answers with
    /// its reply; data commands and membership commands alike.
    func forward(_ arguments: [[UInt8]], to leader: NodeID, deadline: NIODeadline? = nil) -> EventLoopFuture<RESPValue> {
        let promise = loop.makePromise(of: RESPValue.self)
        let token = register(promise, arguments: arguments, forwardedFrom: nil)
        perform(shell.forward(token, to: leader, now: Self.monotonicMillis(), timeout: deadline.map(Self.millis(until:))))
        return promise.futureResult
    }

    /// A request the driver sends itself on a link of its own (joining, probing the ensemble):
    /// the relay id to send it under, and its reply (or a timeout's TRYAGAIN).
    func awaitRelayReply(_ arguments: [[UInt8]], timeout: TimeAmount) -> (id: UInt64, reply: EventLoopFuture<RESPValue>) {
        let promise = loop.makePromise(of: RESPValue.self)
        let token = register(promise, arguments: arguments, forwardedFrom: nil)
        let id = shell.awaitRelayReply(token, now: Self.monotonicMillis(), timeout: UInt64(max(0, timeout.nanoseconds / 1_000_000)))
        return (id, promise.futureResult)
    }

    /// `.forward`: the request goes out in the link's next batch.
    func sendForward(_ token: RequestToken, id: UInt64, to leader: NodeID) {
        guard let r = requests[token] else { return }
        metrics.forwarded.increment()
        if !transport.queueForward(ForwardRequest(requestID: id, kind: .write, args: r.arguments), to: leader) {
            perform(shell.forwardUndeliverable(id: id))
        }
    }

    /// The leader answered a forwarded request.
    func forwardAnswered(id: UInt64, reply bytes: [UInt8]) {
        perform(shell.forwardAnswered(id: id, reply: bytes))
    }

    /// `.forwardedReply`: the leader's RESP bytes become this client's reply.
    static func decodeForwardedReply(_ bytes: [UInt8]) -> RESPValue {
        var parser = RESPReplyParser()
        let decoded = bytes.withUnsafeBytes { raw in Result { () throws(RESPProtocolError) in try parser.parse(raw) } }
        switch decoded {
        case .success(let parsed?): return parsed.value
        default: return .error("ERR the leader sent an unreadable reply")
        }
    }

    /// The link to `peer` closed (or could not be made): requests relayed over it get no reply.
    func forwardLinkLost(to peer: NodeID) {
        perform(shell.linkClosed(to: peer))
    }

    private static func millis(until deadline: NIODeadline) -> UInt64 {
        UInt64(max(0, (deadline - .now()).nanoseconds / 1_000_000))
    }
}
