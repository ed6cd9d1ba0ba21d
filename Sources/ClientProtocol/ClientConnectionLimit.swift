#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import Logging
import NIOConcurrencyHelpers
import NIOCore

/// Redis's `maxclients`: at most `maxClients` client connections at once; one more is answered
/// "-ERR max number of clients reached" and closed.
///
/// Why: every connection is a file descriptor, and a process out of descriptors cannot accept
/// its Raft peers, dial them, or open a new log segment or snapshot file. The limit keeps
/// `reservedDescriptors` of them for that work, whatever clients do. One limit is shared by
/// every connection it is given to (descriptors are per process).
public final class ClientConnectionLimit: Sendable {
    public let maxClients: Int
    private let open = NIOLockedValueBox(0)
    private let refused = NIOLockedValueBox(0)

    public init(maxClients: Int) {
        self.maxClients = max(1, maxClients)
    }

    /// Descriptors kept for peers, the log, snapshots and listeners (Redis keeps 32; a node
    /// also holds two per peer and its log segments).
    public static let reservedDescriptors = 128

    /// The process-wide limit: Redis's default of 10,000 clients, lowered to fit the
    /// descriptor limit. Raises the soft RLIMIT_NOFILE towards the hard one first, as Redis
    /// does at startup.
    public static let process: ClientConnectionLimit = {
        let wanted = 10_000
        var limit = rlimit()
        guard getrlimit(Int32(RLIMIT_NOFILE.rawValue), &limit) == 0 else {
            return ClientConnectionLimit(maxClients: wanted)
        }
        let needed = rlim_t(wanted + reservedDescriptors)
        if limit.rlim_cur < needed {
            var raised = limit
            raised.rlim_cur = min(needed, limit.rlim_max)
            if setrlimit(Int32(RLIMIT_NOFILE.rawValue), &raised) == 0 { limit = raised }
        }
        let fitting = Int(clamping: limit.rlim_cur) - reservedDescriptors
        return ClientConnectionLimit(maxClients: min(wanted, max(fitting, 16)))
    }()

    /// Connections currently admitted.
    public var openCount: Int { open.withLockedValue { $0 } }

    func admit() -> Bool {
        open.withLockedValue { count in
            guard count < maxClients else { return false }
            count += 1
            return true
        }
    }

    func release() {
        open.withLockedValue { $0 -= 1 }
    }

    /// Counts a refusal; true for the first and every 1000th, which are logged.
    func noteRefused() -> Bool {
        refused.withLockedValue { n in
            n += 1
            return n % 1000 == 1
        }
    }
}

/// First handler of a client connection: admits it under the `ClientConnectionLimit` or
/// answers Redis's error and closes it.
final class ClientAdmissionHandler: ChannelInboundHandler {
    typealias InboundIn = ByteBuffer

    private static let refusal = "-ERR max number of clients reached\r\n"

    private let limit: ClientConnectionLimit
    private let logger: Logger
    private var admitted = false

    init(limit: ClientConnectionLimit, logger: Logger) {
        self.limit = limit
        self.logger = logger
    }

    func channelActive(context: ChannelHandlerContext) {
        guard limit.admit() else {
            if limit.noteRefused() {
                logger.warning("refusing client connection: max number of clients reached", metadata: ["maxClients": "\(limit.maxClients)"])
            }
            let reply = context.channel.allocator.buffer(string: Self.refusal)
            context.writeAndFlush(NIOAny(reply)).assumeIsolated().whenComplete { _ in context.close(promise: nil) }
            return  // the rest of the pipeline never sees this connection
        }
        admitted = true
        context.fireChannelActive()
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        if admitted { context.fireChannelRead(data) }
    }

    func channelInactive(context: ChannelHandlerContext) {
        if admitted {
            admitted = false
            limit.release()
        }
        context.fireChannelInactive()
    }
}
