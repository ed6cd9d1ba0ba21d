import Logging
import NIOCore
import NIOPosix
import NIOSSL
import PeerWire
import RESP
import RaftCore

/// The peer port: a listener for inbound connections and one outbound link per peer. Raft
/// messages always leave on the outbound link; a forwarded request is answered on the
/// connection it came in on. Lives on the driver's loop.
final class PeerTransport: @unchecked Sendable {
    let loop: any EventLoop
    let myID: NodeID
    let logger: Logger
    /// The node; weak, because the node owns the transport (PeerTransportDelegate.swift).
    weak var delegate: (any PeerTransportDelegate)?
    let clusterSecret: [UInt8]?
    var links: [NodeID: PeerLink] = [:]
    var listener: (any Channel)? = nil
    var inbound: [ObjectIdentifier: any Channel] = [:]
    /// Snapshot transfers, both directions (SnapshotShipping.swift).
    let snapshots: SnapshotShipping
    /// The caps on inbound connections (PeerAdmission.swift) and the counters they feed.
    let admission: PeerAdmission
    let metrics: NodeMetrics?
    /// Mutual TLS on every peer connection, both directions (RaftServerOptions+TLS.swift); nil: plain TCP.
    let tls: PeerTLSContexts?
    static let clusterID = "raft-node"
    /// The first frame on every connection we dial (PeerAuthHandler may add a MAC first).
    var hello: Handshake { Handshake(sender: myID, clusterID: Self.clusterID) }

    init(loop: any EventLoop, myID: NodeID, clusterSecret: [UInt8]?, persistence: any RaftPersistence, ioPool: NIOThreadPool, logger: Logger,
         limits: PeerPortLimits = PeerPortLimits(), metrics: NodeMetrics? = nil, tls: PeerTLSContexts? = nil) {
        self.loop = loop
        self.tls = tls
        self.metrics = metrics
        self.admission = PeerAdmission(limits: limits, metrics: metrics, logger: logger)
        self.myID = myID
        self.clusterSecret = clusterSecret
        self.logger = logger
        self.snapshots = SnapshotShipping(myID: myID, persistence: persistence, ioPool: ioPool, loop: loop, logger: logger)
    }

    func bind(_ address: NodeAddress) -> EventLoopFuture<Void> {
        ServerBootstrap(group: loop)
            .serverChannelOption(.socketOption(.so_reuseaddr), value: 1)
            .childChannelOption(.socketOption(.tcp_nodelay), value: 1)
            .childChannelInitializer { [self] channel in
                channel.eventLoop.makeCompletedFuture {
                    // TLS first: the handshake, the limits and the frames all run inside it.
                    if let tls { try channel.pipeline.syncOperations.addHandler(NIOSSLServerHandler(context: tls.accepting)) }
                    try channel.pipeline.syncOperations.addHandler(PeerAuthHandler(transport: self, dialing: nil))
                    try channel.pipeline.syncOperations.addHandler(ByteToMessageHandler(PeerFrameDecoder()))
                    try channel.pipeline.syncOperations.addHandler(PeerConnectionHandler(transport: self, direction: .inbound))
                }
            }
            .bind(host: address.host, port: address.port)
            .map { [self] channel in listener = channel }
    }

    /// Keeps the set of links in step with the configuration (joining and leaving members).
    func updatePeers(_ dial: [NodeID: NodeAddress]) {
        for (id, address) in dial where id != myID {
            if let l = links[id], l.address == address { continue }
            links[id]?.close()
            links[id] = PeerLink(peer: id, address: address, transport: self)
        }
        for id in links.keys where dial[id] == nil {
            links.removeValue(forKey: id)?.close()
        }
    }

    /// Sends `messages`; an InstallSnapshot is followed by the file of `latestSnapshot`.
    func send(_ messages: [Message], latestSnapshot: StoredSnapshot? = nil) {
        var encoder = MessageFrameEncoder()  // one per batch: the same entries are encoded once
        for m in messages {
            guard let link = links[m.to] else {
                logger.debug("no link to \(m.to), dropping \(m.body)")
                continue
            }
            if case .installSnapshot(let meta) = m.body {
                snapshots.start(m, meta, latest: latestSnapshot, on: link)  // the message, then the file in chunks
                continue
            }
            link.send(.message(m), encoder: &encoder)
        }
    }

    func flush() {
        for l in links.values { l.flush() }
    }

    /// One frame to `peer` on its link, flushed at once (control frames outside the Ready's batches).
    func sendNow(_ frame: Frame, to peer: NodeID) {
        guard let link = links[peer] else {
            logger.debug("no link to \(peer), dropping \(frame.kind)")
            return
        }
        link.send(frame)
        link.flush()
    }

    func close() -> EventLoopFuture<Void> {
        snapshots.close()
        for l in links.values { l.close() }
        links = [:]
        for c in inbound.values { c.close(promise: nil) }
        return listener?.close() ?? loop.makeSucceededVoidFuture()
    }
}

/// Frames arriving on any peer connection, either direction.
final class PeerConnectionHandler: ChannelInboundHandler, @unchecked Sendable {
    typealias InboundIn = Frame
    enum Direction { case inbound, outbound(NodeID) }

    let transport: PeerTransport
    let direction: Direction
    var remote: NodeID? = nil
    /// Replies to forwarded requests, written as one frame at the end of the loop turn
    /// (PeerTransport+Forwarding.swift); batched only once the peer has sent a batch itself.
    var forwardReplies: [ForwardResponse] = []
    var peerSendsBatches = false

    init(transport: PeerTransport, direction: Direction) {
        self.transport = transport
        self.direction = direction
        if case .outbound(let id) = direction { remote = id }
    }

    func channelActive(context: ChannelHandlerContext) {
        if case .inbound = direction { transport.inbound[ObjectIdentifier(context.channel)] = context.channel }
        context.fireChannelActive()
    }

    func channelInactive(context: ChannelHandlerContext) {
        transport.inbound[ObjectIdentifier(context.channel)] = nil
        context.fireChannelInactive()
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        let frame = unwrapInboundIn(data)
        guard let delegate = transport.delegate else { return }
        if remote == nil {
            guard case .handshake(let hello) = frame else {
                transport.metrics?.peerHandshakeFailures.increment()
                transport.logger.warning("peer connection from \(context.channel.remoteAddress.map { "\($0)" } ?? "?") did not start with a hello, disconnecting")
                context.close(promise: nil)
                return
            }
            remote = hello.sender
            return
        }
        switch frame {
        case .handshake:
            break
        case .message(let m):
            delegate.peerReceived(m)  // an InstallSnapshot is held by the shell until its file is in
        case .forwardRequest(let r):
            answerForwarded(r, on: context.channel)
        case .forwardResponse(let r):
            delegate.peerAnswered(r)
        case .forwardRequests(let requests):
            peerSendsBatches = true
            for r in requests { answerForwarded(r, on: context.channel) }
        case .forwardResponses(let replies):
            for r in replies { delegate.peerAnswered(r) }
        case .snapshotChunk(let c):
            transport.snapshots.chunkArrived(c, from: remote, delegate: delegate)
        case .snapshotResume(let r):
            transport.snapshots.resumeRequested(r, from: remote)
        }
    }

    func errorCaught(context: ChannelHandlerContext, error: any Error) {
        if let wire = error as? WireError, case .frameTooLarge = wire { transport.metrics?.peerOversizedFrames.increment() }
        if error is WireError || error is ByteToMessageDecoderError {
            transport.logger.warning("peer \(remote?.description ?? "?") at \(context.channel.remoteAddress.map { "\($0)" } ?? "?") sent bad bytes (\(error)), disconnecting")
        } else {
            transport.logger.debug("peer connection error: \(error)")
        }
        context.close(promise: nil)
    }
}
