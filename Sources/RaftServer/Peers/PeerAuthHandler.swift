import Logging
import NIOConcurrencyHelpers
import NIOCore
import NIOSSL
import PeerWire
import RaftCore

/// First handler of every peer connection: runs the cluster-secret handshake
/// (PeerWire.PeerHandshakeState, docs/peer-protocol.md) on the raw bytes before anything
/// reaches the frame decoder, and holds every outbound write until the peer is authenticated.
/// A connection that fails is logged and closed. Without a secret it is transparent, except
/// that it answers a peer asking for authentication with "no secret here" and closes.
///
/// Once authenticated it passes bytes through unchanged; the connection's own `hello` (sent by
/// PeerLink) then arrives as the first frame, as without authentication.
///
/// On the accepting side it also enforces the peer port's limits (PeerAdmission): a connection
/// over a cap is closed at once, and one that has not proved itself (the handshake with a
/// secret, its first hello frame without) within the handshake deadline is closed then, however
/// slowly it dribbles bytes meanwhile. Refusals, failures and timeouts are counted in the metrics.
final class PeerAuthHandler: ChannelDuplexHandler, @unchecked Sendable {
    typealias InboundIn = ByteBuffer
    typealias InboundOut = ByteBuffer
    typealias OutboundIn = ByteBuffer
    typealias OutboundOut = ByteBuffer

    /// Dialer nonces seen by any acceptor in this process (random 32 bytes: sharing is harmless).
    static let replayCache = NIOLockedValueBox(NonceReplayCache())
    /// Handshake frames are small; an unauthenticated peer may not make us buffer more.
    static let maxHandshakeBytes = 4096

    private enum State {
        case handshaking(PeerHandshakeState)
        /// No secret, acceptor: look at the first frame only.
        case inspectingFirstFrame
        case open
        case failed
    }

    private let logger: Logger
    private let me: NodeID
    private let secret: [UInt8]?
    private let dialing: NodeID?
    private var state: State
    private var inbound: [UInt8] = []
    private var heldWrites: [(ByteBuffer, EventLoopPromise<Void>?)] = []
    private var flushHeld = false
    private var timeout: Scheduled<Void>? = nil
    private let handshakeTimeout: TimeAmount
    /// Accepting side only: the port's connection counts (nil: no limits, as in unit tests).
    private let admission: PeerAdmission?
    private let metrics: NodeMetrics?
    /// Counted by `admission` as an open connection.
    private var admitted = false
    /// Still has to prove itself before the deadline (and, accepted, holds a handshake slot).
    private var awaitingIdentity = false

    /// `dialing`: the peer this side connected to (nil on the accepting side).
    init(me: NodeID, secret: [UInt8]?, dialing: NodeID?, logger: Logger,
         handshakeTimeout: TimeAmount = PeerPortLimits().handshakeTimeout, admission: PeerAdmission? = nil, metrics: NodeMetrics? = nil) {
        self.me = me
        self.secret = secret
        self.dialing = dialing
        self.logger = logger
        self.handshakeTimeout = handshakeTimeout
        self.admission = dialing == nil ? admission : nil
        self.metrics = metrics
        if let secret {
            // A link whose peer id holds "@" (the membership code's "join@ADDR") dials an
            // address, not a known node: accept whichever node proves the secret there.
            let role: PeerHandshakeState.Role = dialing.map { .dialer(expecting: $0.rawValue.contains("@") ? nil : $0) } ?? .acceptor
            state = .handshaking(PeerHandshakeState(role: role, me: me, clusterID: PeerTransport.clusterID, secret: secret, nonce: PeerHandshakeState.randomNonce()))
        } else {
            state = dialing == nil ? .inspectingFirstFrame : .open
        }
    }

    func channelActive(context: ChannelHandlerContext) {
        if let admission {
            if admission.admit(from: context.channel.remoteAddress.map { "\($0)" } ?? "?") != nil {
                state = .failed
                context.close(promise: nil)
                return
            }
            admitted = true
        }
        if case .handshaking(var hs) = state {
            let first = hs.start()
            state = .handshaking(hs)
            if let first { context.writeAndFlush(wrapOutboundOut(context.channel.allocator.buffer(bytes: FrameCodec.encode(.handshake(first)))), promise: nil) }
        }
        // Every accepted connection, and a dialed one that must authenticate, has a deadline.
        if dialing == nil || !isOpen {
            awaitingIdentity = true
            let limit = handshakeTimeout
            timeout = context.eventLoop.assumeIsolated().scheduleTask(in: limit) { [self] in
                guard awaitingIdentity else { return }
                metrics?.peerHandshakeTimeouts.increment()
                fail(context: context, "peer handshake did not finish within \(Self.describe(limit))", counted: true, closeNow: true)
            }
        }
        context.fireChannelActive()
    }

    /// The peer proved itself: the deadline no longer applies and the handshake slot is free.
    private func identified() {
        guard awaitingIdentity else { return }
        awaitingIdentity = false
        timeout?.cancel()
        admission?.leftHandshake()
    }

    func channelInactive(context: ChannelHandlerContext) {
        timeout?.cancel()
        if admitted {
            admitted = false
            // A connection closed mid-handshake frees its slot here (not through `identified`).
            admission?.closed(inHandshake: awaitingIdentity)
            awaitingIdentity = false
        }
        let held = heldWrites
        heldWrites = []
        for (_, p) in held { p?.fail(ChannelError.ioOnClosedChannel) }
        context.fireChannelInactive()
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        var buffer = unwrapInboundIn(data)
        switch state {
        case .open:
            context.fireChannelRead(data)
        case .failed:
            break
        case .handshaking, .inspectingFirstFrame:
            inbound += buffer.readBytes(length: buffer.readableBytes) ?? []
            processInbound(context: context)
        }
    }

    /// Takes whole handshake frames off `inbound` while the handshake lasts.
    private func processInbound(context: ChannelHandlerContext) {
        while true {
            guard inbound.count >= PeerWire.headerSize else { break }
            var length = 0
            for i in 4..<8 { length = length << 8 | Int(inbound[i]) }
            let total = PeerWire.headerSize + length + PeerWire.trailerSize
            guard length <= Self.maxHandshakeBytes else {
                if case .inspectingFirstFrame = state { return becomeOpen(context: context) }
                return fail(context: context, "first frame is not a handshake (\(length)-byte body)")
            }
            guard inbound.count >= total else { break }
            let frame: Frame
            do {
                frame = try FrameCodec.decode(Array(inbound[0..<total]))
            } catch {
                if case .inspectingFirstFrame = state { return becomeOpen(context: context) }  // the decoder downstream reports it
                return fail(context: context, "bad handshake frame (\(error))")
            }
            switch state {
            case .inspectingFirstFrame:
                if case .handshake(let h) = frame, !h.nonce.isEmpty {
                    metrics?.peerHandshakeFailures.increment()
                    // The peer wants to authenticate and we have no secret: say so, then refuse.
                    let reply = Handshake(sender: me, clusterID: PeerTransport.clusterID)
                    context.writeAndFlush(wrapOutboundOut(context.channel.allocator.buffer(bytes: FrameCodec.encode(.handshake(reply)))), promise: nil)
                    return fail(context: context, "peer \(h.sender) asks for a cluster secret and this node has none (--cluster-secret-file)")
                }
                // A hello proves nothing without a secret, but it is the handshake's end; any other
                // first frame goes on to the connection handler, which refuses it.
                if case .handshake = frame { identified() }
                return becomeOpen(context: context)
            case .handshaking(var hs):
                guard case .handshake(let h) = frame else { return fail(context: context, "sent \(frame.kind) before authenticating") }
                inbound.removeFirst(total)
                let step = Self.replayCache.withLockedValue { hs.receive(h, replayCache: &$0) }
                state = .handshaking(hs)
                if let reply = step.send {
                    context.write(wrapOutboundOut(context.channel.allocator.buffer(bytes: FrameCodec.encode(.handshake(reply)))), promise: nil)
                }
                switch step.outcome {
                case .pending:
                    context.flush()
                case .rejected(let reason):
                    return fail(context: context, reason)
                case .authenticated(let peer):
                    logger.debug("peer \(peer) authenticated (\(dialing == nil ? "inbound" : "outbound"))")
                    identified()
                    return becomeOpen(context: context)
                }
            case .open, .failed:
                return
            }
        }
    }

    /// From now on bytes pass unchanged: release what was held both ways.
    private func becomeOpen(context: ChannelHandlerContext) {
        state = .open
        let held = heldWrites
        heldWrites = []
        for (b, p) in held { context.write(wrapOutboundOut(b), promise: p) }
        context.flush()
        if !inbound.isEmpty {
            let rest = context.channel.allocator.buffer(bytes: inbound)
            inbound = []
            context.fireChannelRead(wrapInboundOut(rest))
            context.fireChannelReadComplete()
        }
    }

    /// `counted`: the caller already counted it (a timeout); `closeNow`: skip the refusal delay
    /// (a stranger that stalled gets no second of our resources).
    private func fail(context: ChannelHandlerContext, _ reason: String, counted: Bool = false, closeNow: Bool = false) {
        guard !isFailed else { return }
        state = .failed
        if !counted { metrics?.peerHandshakeFailures.increment() }
        if awaitingIdentity {
            // Still open for the refusal delay, but no longer holding a handshake slot.
            awaitingIdentity = false
            timeout?.cancel()
            admission?.leftHandshake()
        }
        let remote = context.channel.remoteAddress.map { "\($0)" } ?? "?"
        let side = dialing.map { "to peer \($0) at \(remote)" } ?? "from \(remote)"
        // A misconfigured peer retries for ever: one warning per reason every 30 s, the rest at debug.
        if Self.shouldWarn(reason) {
            logger.warning("peer connection \(side) refused: \(reason)")
        } else {
            logger.debug("peer connection \(side) refused: \(reason)")
        }
        // Hold the refused connection a moment before closing, so the peer's reconnect loop
        // (which restarts its backoff on every successful TCP connect) retries about once a second.
        let channel = context.channel
        if closeNow {
            channel.close(promise: nil)
        } else {
            context.eventLoop.scheduleTask(in: Self.refusalDelay) { channel.close(promise: nil) }
        }
    }

    private static func describe(_ t: TimeAmount) -> String {
        t.nanoseconds % 1_000_000_000 == 0 ? "\(t.nanoseconds / 1_000_000_000) s" : "\(t.nanoseconds / 1_000_000) ms"
    }

    static let refusalDelay = TimeAmount.seconds(1)
    private static let lastWarned = NIOLockedValueBox([String: NIODeadline]())

    private static func shouldWarn(_ reason: String) -> Bool {
        lastWarned.withLockedValue { seen in
            let now = NIODeadline.now()
            if let last = seen[reason], now - last < .seconds(30) { return false }
            if seen.count > 1000 { seen = [:] }
            seen[reason] = now
            return true
        }
    }

    private var isFailed: Bool { if case .failed = state { true } else { false } }
    private var isOpen: Bool { if case .open = state { true } else { false } }

    /// With mutual TLS, the TLS handler in front reports a failed handshake here: a peer whose
    /// certificate the cluster CA did not sign (or none at all, or plain text on the TLS port).
    /// Counted and logged as a refusal like any failed handshake; NIOSSL closes the connection.
    func errorCaught(context: ChannelHandlerContext, error: any Error) {
        if let tlsError = error as? NIOSSLError, case .handshakeFailed(let reason) = tlsError {
            fail(context: context, "TLS handshake failed (\(reason))", closeNow: true)
            return
        }
        context.fireErrorCaught(error)
    }

    func write(context: ChannelHandlerContext, data: NIOAny, promise: EventLoopPromise<Void>?) {
        switch state {
        case .open: context.write(data, promise: promise)
        case .failed: promise?.fail(ChannelError.ioOnClosedChannel)
        case .handshaking, .inspectingFirstFrame: heldWrites.append((unwrapOutboundIn(data), promise))
        }
    }

    func flush(context: ChannelHandlerContext) {
        if case .open = state { context.flush() }
    }
}

extension PeerAuthHandler {
    convenience init(transport: PeerTransport, dialing: NodeID?) {
        self.init(me: transport.myID, secret: transport.clusterSecret, dialing: dialing, logger: transport.logger,
                  handshakeTimeout: transport.admission.limits.handshakeTimeout, admission: transport.admission, metrics: transport.metrics)
    }
}
