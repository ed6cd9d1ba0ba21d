import Logging
import NIOCore
import NIOPosix
import NIOSSL
import PeerWire
import RaftCore

/// The outbound connection to one peer: dials the configured (or --peer-via) address,
/// reconnects with exponential backoff, holds a few frames while disconnected. Raft tolerates
/// lost messages (it retries), so frames beyond the bound are dropped, not buffered forever.
final class PeerLink: @unchecked Sendable {
    let peer: NodeID
    let address: NodeAddress
    unowned let transport: PeerTransport
    var channel: (any Channel)? = nil
    var connecting = false
    var closed = false
    var backlog: [Frame] = []
    var needsFlush = false
    /// Forwarded requests of this loop turn, sent as one frame (PeerTransport+Forwarding.swift).
    var forwardOutbox: [ForwardRequest] = []
    var backoffMilliseconds: Int64 = 50
    var reconnect: Scheduled<Void>? = nil
    static let maxBacklog = 1024

    init(peer: NodeID, address: NodeAddress, transport: PeerTransport) {
        self.peer = peer
        self.address = address
        self.transport = transport
        connect()
    }

    func send(_ frame: Frame) {
        var encoder = MessageFrameEncoder()
        send(frame, encoder: &encoder)
    }

    /// `encoder` is the batch's (PeerTransport.send): it shares AppendEntries' entries between
    /// followers.
    func send(_ frame: Frame, encoder: inout MessageFrameEncoder) {
        guard !closed else { return }
        if let channel {
            channel.write(channel.allocator.buffer(bytes: encoder.encode(frame)), promise: nil)
            needsFlush = true
        } else {
            if backlog.count < Self.maxBacklog { backlog.append(frame) }
            if !connecting && reconnect == nil { connect() }
        }
    }

    func flush() {
        guard needsFlush, let channel else { return }
        needsFlush = false
        channel.flush()
    }

    private func connect() {
        guard !closed, !connecting, channel == nil else { return }
        connecting = true
        reconnect = nil
        let loop = transport.loop
        ClientBootstrap(group: loop)
            .channelOption(.socketOption(.tcp_nodelay), value: 1)
            .connectTimeout(.seconds(1))
            .channelInitializer { [self] channel in
                channel.eventLoop.makeCompletedFuture {
                    // No server name: peers are checked against the cluster CA only (RaftServerOptions+TLS.swift).
                    if let tls = transport.tls { try channel.pipeline.syncOperations.addHandler(NIOSSLClientHandler(context: tls.dialing, serverHostname: nil)) }
                    try channel.pipeline.syncOperations.addHandler(PeerAuthHandler(transport: transport, dialing: peer))
                    try channel.pipeline.syncOperations.addHandler(ByteToMessageHandler(PeerFrameDecoder()))
                    try channel.pipeline.syncOperations.addHandler(PeerConnectionHandler(transport: transport, direction: .outbound(peer)))
                }
            }
            .connect(host: address.host, port: address.port)
            .whenComplete { [self] result in
                connecting = false
                switch result {
                case .success(let ch):
                    guard !closed else {
                        ch.close(promise: nil)
                        return
                    }
                    transport.logger.debug("connected to peer \(peer) at \(address)")
                    channel = ch
                    backoffMilliseconds = 50
                    ch.write(ch.allocator.buffer(bytes: FrameCodec.encode(.handshake(transport.hello))), promise: nil)
                    let queued = backlog
                    backlog = []
                    for f in queued { ch.write(ch.allocator.buffer(bytes: FrameCodec.encode(f)), promise: nil) }
                    ch.flush()
                    ch.closeFuture.whenComplete { [self] _ in
                        guard channel === ch else { return }
                        channel = nil
                        transport.logger.debug("lost connection to peer \(peer)")
                        transport.delegate?.peerLinkLost(peer)  // its forwarded requests get no reply now
                        scheduleReconnect()
                    }
                case .failure(let error):
                    transport.logger.trace("cannot reach peer \(peer) at \(address): \(error)")
                    transport.delegate?.peerUnreachable(peer)
                    transport.delegate?.peerLinkLost(peer)  // what waited in the backlog is dropped
                    scheduleReconnect()
                }
            }
    }

    private func scheduleReconnect() {
        guard !closed, reconnect == nil else { return }
        let delay = backoffMilliseconds
        backoffMilliseconds = min(backoffMilliseconds * 2, 1000)
        backlog.removeAll()  // stale by the time we reconnect; Raft resends what matters
        reconnect = transport.loop.scheduleTask(in: .milliseconds(delay)) { [self] in
            reconnect = nil
            connect()
        }
    }

    func close() {
        closed = true
        reconnect?.cancel()
        channel?.close(promise: nil)
        channel = nil
    }
}
