import Logging
import NIOCore
import RESP

/// One client connection: dispatches decoded requests to the `ClientCommandHandler`, writes
/// replies in request order whatever order they complete in, and applies the connection
/// policies:
///
/// - protocol errors: the error reply follows the replies already owed, then the connection
///   closes (Redis's CLIENT_CLOSE_AFTER_REPLY);
/// - half-close: after the client shuts its sending side, every request that arrived is still
///   answered, then the connection closes (needs `ChannelOptions.allowRemoteHalfClosure`);
/// - backpressure: reading pauses while too many requests are in flight or too many reply
///   bytes are unsent; a client that lets unsent replies pass `maxUnsentReplyBytes` is closed
///   with a log line;
/// - idle: with `idleTimeout`, a connection silent for that long and owed nothing is closed.
///   (The timer reads `eventLoop.now`, unlike NIO's IdleStateHandler, so tests can drive it.)
public final class ClientConnectionHandler: ChannelDuplexHandler {
    public typealias InboundIn = ClientRequestFrame
    public typealias OutboundIn = ByteBuffer
    public typealias OutboundOut = ByteBuffer

    private struct OwedReply {
        var value: RESPValue?
        /// Set by HELLO: from this reply on, replies use this protocol.
        var switchToVersion: RESPVersion?
        var closeAfter = false
        /// Written right after `value`: a request that answers with several replies
        /// (SUBSCRIBE a b c confirms each channel separately).
        var extra: [RESPValue] = []
        /// SHUTDOWN: the connection closes where this reply would go, and it is never written
        /// (Redis's server quits without answering; clients read the close as success).
        var silent = false
    }

    private let commandHandler: any ClientCommandHandler
    private let configuration: ClientProtocolConfiguration
    private let connectionID: UInt64
    private var logger: Logger

    private var context: ChannelHandlerContext?
    private var info: ClientConnectionInfo?
    /// Replies owed, in request order; `owed[0]` belongs to request `firstOwedSequence`.
    private var owed = CircularBuffer<OwedReply>(initialCapacity: 8)
    private var firstOwedSequence = 0
    private var nextSequence = 0
    /// The protocol replies are currently written in (changes in reply order).
    private var replyVersion: RESPVersion
    /// The protocol newly dispatched requests see (changes in request order).
    private(set) var requestProtocolVersion: RESPVersion
    private var unsentBytes = 0
    /// Replies went out uncounted (`sendOutgoing`) since the last counted write completed: they
    /// may still sit in NIO's buffer, so a close waits for one more counted write.
    private var uncountedMayBePending = false
    private var readHeld = false
    /// No further requests are accepted (protocol error, QUIT, input closed).
    private var acceptingRequests = true
    private var inputClosed = false
    private var closeOnceDrained = false
    private var isClosed = false
    /// Inside a burst of channelRead calls: replies collect in `outgoing` and go out as one
    /// write and one flush at channelReadComplete, so a pipeline of N requests costs one
    /// syscall (and one promise), not N.
    private var inReadBurst = false
    /// Replies that complete outside a read burst (writes answered when their entry commits)
    /// are flushed once per event-loop turn, not once each: a pipeline of 16 writes that commit
    /// together costs one write syscall, not 16.
    private var flushScheduled = false
    private var outgoing: ByteBuffer?
    private var lastActivity = NIODeadline.uptimeNanoseconds(0)
    private var idleCheck: Scheduled<Void>?

    public init(
        commandHandler: any ClientCommandHandler,
        configuration: ClientProtocolConfiguration = .init(),
        connectionID: UInt64,
        logger: Logger
    ) {
        self.commandHandler = commandHandler
        self.configuration = configuration
        self.connectionID = connectionID
        self.logger = logger
        self.replyVersion = configuration.initialProtocolVersion
        self.requestProtocolVersion = configuration.initialProtocolVersion
    }

    public func handlerAdded(context: ChannelHandlerContext) {
        self.context = context
        let info = ClientConnectionInfo(id: connectionID, remoteAddress: context.channel.remoteAddress, eventLoop: context.eventLoop)
        self.info = info
        logger[metadataKey: "client"] = "\(info)"
        if context.channel.isActive { startIdleTimer(context: context) }
    }

    public func handlerRemoved(context: ChannelHandlerContext) {
        isClosed = true
        idleCheck?.cancel()
        self.context = nil
    }

    public func channelActive(context: ChannelHandlerContext) {
        startIdleTimer(context: context)
        context.fireChannelActive()
    }

    public func channelReadComplete(context: ChannelHandlerContext) {
        // Any bytes count as activity, so a slow upload of a large argument is not idle.
        lastActivity = context.eventLoop.now
        inReadBurst = false
        sendOutgoing()
        context.fireChannelReadComplete()
    }

    // MARK: inbound

    public func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        guard acceptingRequests, !isClosed, let info else { return }
        inReadBurst = true
        switch unwrapInboundIn(data) {
        case .command(let arguments):
            lastActivity = context.eventLoop.now
            let sequence = nextSequence
            nextSequence += 1
            owed.append(OwedReply())
            // The handler answers through the context: no future per request.
            commandHandler.handle(arguments, replyingTo: ClientRequestContext(connection: info, handler: self, sequence: sequence))
        case .protocolError(let error):
            logger.debug("protocol error, closing after the owed replies", metadata: ["error": "\(error.message)"])
            acceptingRequests = false
            owed.append(OwedReply(value: error.reply, closeAfter: true))
            nextSequence += 1
            writeReadyReplies()
        }
    }

    public func userInboundEventTriggered(context: ChannelHandlerContext, event: Any) {
        if let event = event as? ChannelEvent, event == .inputClosed {
            // Half-close: answer what arrived, then close. (Requests decoded at EOF come
            // without a channelReadComplete, so flush here.)
            inReadBurst = false
            sendOutgoing()
            inputClosed = true
            acceptingRequests = false
            closeOnceDrained = true
            closeIfDrained()
            return
        }
        context.fireUserInboundEventTriggered(event)
    }

    public func channelInactive(context: ChannelHandlerContext) {
        isClosed = true
        idleCheck?.cancel()
        owed.removeAll()
        if let info { commandHandler.connectionClosed(info) }
        context.fireChannelInactive()
    }

    public func errorCaught(context: ChannelHandlerContext, error: any Error) {
        logger.debug("connection error, closing", metadata: ["error": "\(error)"])
        close()
    }

    // MARK: idle policy

    private func startIdleTimer(context: ChannelHandlerContext) {
        guard let timeout = configuration.idleTimeout, idleCheck == nil else { return }
        lastActivity = context.eventLoop.now
        scheduleIdleCheck(in: timeout)
    }

    private func scheduleIdleCheck(in delay: TimeAmount) {
        guard let context else { return }
        idleCheck = context.eventLoop.assumeIsolated().scheduleTask(in: delay) { self.checkIdle() }
    }

    private func checkIdle() {
        guard !isClosed, let context, let timeout = configuration.idleTimeout else { return }
        let idleFor = context.eventLoop.now - lastActivity
        guard idleFor >= timeout else {
            scheduleIdleCheck(in: timeout - idleFor)
            return
        }
        // A client waiting for a slow reply (a write awaiting its Raft commit) is not idle.
        if owed.isEmpty && unsentBytes == 0 && outgoing == nil {
            logger.debug("closing idle connection", metadata: ["idleSeconds": "\(idleFor.nanoseconds / 1_000_000_000)"])
            close()
        } else {
            scheduleIdleCheck(in: timeout)
        }
    }

    // MARK: outbound

    public func read(context: ChannelHandlerContext) {
        if readingShouldPause {
            readHeld = true
        } else {
            context.read()
        }
    }

    var readingShouldPause: Bool {
        owed.count >= configuration.maxInFlightCommands || unsentBytes > configuration.pauseReadingAboveUnsentBytes
    }

    private func resumeReadingIfPossible() {
        guard readHeld, !readingShouldPause, !isClosed, let context else { return }
        readHeld = false
        context.read()
    }

    // MARK: used by ClientRequestContext

    func setProtocolVersion(_ version: RESPVersion, fromSequence sequence: Int) {
        requestProtocolVersion = version
        let index = sequence - firstOwedSequence
        guard index >= 0, index < owed.count else { return }  // reply already written
        owed[owed.index(owed.startIndex, offsetBy: index)].switchToVersion = version
    }

    func addReplies(_ values: [RESPValue], sequence: Int) {
        let index = sequence - firstOwedSequence
        guard index >= 0, index < owed.count else { return }
        owed[owed.index(owed.startIndex, offsetBy: index)].extra.append(contentsOf: values)
    }

    /// Writes an out-of-band message (a Pub/Sub message) after everything already written,
    /// in the protocol replies are now written in; RESP3 clients get it as a push type.
    func push(_ value: RESPValue) {
        guard !isClosed, let context else { return }
        var buffer = outgoing ?? context.channel.allocator.buffer(capacity: 64)
        RESPEncoder.encode(value, version: replyVersion, into: &buffer)
        outgoing = buffer
        scheduleSend()
    }

    func closeAfterReply(sequence: Int, silently: Bool = false) {
        let index = sequence - firstOwedSequence
        guard index >= 0, index < owed.count else { return }
        owed[owed.index(owed.startIndex, offsetBy: index)].closeAfter = true
        owed[owed.index(owed.startIndex, offsetBy: index)].silent = silently
        acceptingRequests = false
    }

    // MARK: writing replies in request order

    func deliver(_ result: Result<RESPValue, any Error>, sequence: Int) {
        switch result {
        case .success(let value):
            deliver(value, sequence: sequence)
        case .failure(let error):
            logger.debug("command failed", metadata: ["error": "\(error)"])
            deliver(.error("ERR \(error)"), sequence: sequence)
        }
    }

    func deliver(_ value: RESPValue, sequence: Int) {
        guard !isClosed else { return }
        let index = sequence - firstOwedSequence
        guard index >= 0, index < owed.count else { return }
        owed[owed.index(owed.startIndex, offsetBy: index)].value = value
        if index == 0 { writeReadyReplies() }
    }

    /// Encodes every reply at the head of the queue that is ready; sends them at once unless
    /// a read burst is in progress (then at its end).
    private func writeReadyReplies() {
        guard !isClosed, let context, let first = owed.first, first.value != nil else { return }
        var buffer = outgoing ?? context.channel.allocator.buffer(capacity: 256)
        outgoing = nil
        var closeAfter = false
        while let head = owed.first, let value = head.value {
            owed.removeFirst()
            firstOwedSequence += 1
            if let version = head.switchToVersion { replyVersion = version }
            if !head.silent {
                RESPEncoder.encode(value, version: replyVersion, into: &buffer)
                for v in head.extra { RESPEncoder.encode(v, version: replyVersion, into: &buffer) }
            }
            if head.closeAfter {
                closeAfter = true
                break
            }
        }
        outgoing = buffer
        if closeAfter {
            acceptingRequests = false
            closeOnceDrained = true
            owed.removeAll()  // requests after QUIT or a protocol error are never answered
        }
        // Large replies go out at once even mid-burst, so the unsent-bytes cap is checked
        // before a burst of big replies piles up here.
        scheduleSend()
    }

    private func scheduleSend() {
        guard let context, let buffer = outgoing else { return }
        if buffer.readableBytes >= 64 * 1024 {
            sendOutgoing()
        } else if !inReadBurst && !flushScheduled {
            // Other replies completing in this loop turn join the same write (the tasks that
            // deliver them are already queued ahead of this one).
            flushScheduled = true
            context.eventLoop.assumeIsolated().execute {
                self.flushScheduled = false
                self.sendOutgoing()
            }
        }
    }

    /// Replies up to this size go out without a completion promise when nothing counted is
    /// unsent and the socket keeps up (see `sendOutgoing`).
    static let untrackedWriteLimit = 256

    /// Writes and flushes the collected replies, and enforces the unsent-bytes cap.
    private func sendOutgoing() {
        guard !isClosed, let context, let buffer = outgoing else { return }
        outgoing = nil
        let size = buffer.readableBytes
        // The common reply (+OK, a short value) to a client that reads: no promise and callback to
        // count it unsent until written (about 2,000 instructions a request). What goes out this
        // way is bounded without counting: NIO buffers it only while the socket is writable
        // (below its 64 KiB high-water mark); once it is not, replies are counted again, and
        // the cap and the read pause apply as before. A connection closing once drained counts
        // every byte, so it closes only after its last reply is written.
        if size <= Self.untrackedWriteLimit, unsentBytes == 0, !closeOnceDrained, context.channel.isWritable {
            uncountedMayBePending = true
            context.writeAndFlush(wrapOutboundOut(buffer), promise: nil)
            resumeReadingIfPossible()
            return
        }
        unsentBytes += size
        let promise = context.eventLoop.makePromise(of: Void.self)
        promise.futureResult.assumeIsolated().whenComplete { _ in
            // Writes complete in order, and none goes uncounted while this one is pending.
            self.uncountedMayBePending = false
            self.unsentBytes -= size
            self.closeIfDrained()
            self.resumeReadingIfPossible()
        }
        context.writeAndFlush(wrapOutboundOut(buffer), promise: promise)
        if unsentBytes > configuration.maxUnsentReplyBytes {
            logger.warning(
                "closing client that does not read its replies",
                metadata: ["unsentBytes": "\(unsentBytes)", "limit": "\(configuration.maxUnsentReplyBytes)"]
            )
            close()
            return
        }
        resumeReadingIfPossible()
    }

    private func closeIfDrained() {
        guard closeOnceDrained, owed.isEmpty, unsentBytes == 0, outgoing == nil else { return }
        guard !uncountedMayBePending else {
            // NIO drops writes still buffered at a close: an empty counted write completes once
            // every earlier one is out, and its completion comes back here.
            guard let context else { return }
            outgoing = context.channel.allocator.buffer(capacity: 0)
            sendOutgoing()
            return
        }
        close()
    }

    private func close() {
        guard !isClosed, let context else { return }
        isClosed = true
        owed.removeAll()
        context.close(promise: nil)
    }
}
