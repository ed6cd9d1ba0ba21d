import KeyValueStore
import ClientProtocol
import NIOCore
import RESP

/// One client connection's state at the node, made when the connection opens and gone when it
/// closes; used on the connection's event loop only. Connection-level commands keep their
/// state here (AUTH's result, MULTI's queue, WATCH's keys, SUBSCRIBE's channels): add a field,
/// and read or change it in the command's case of `NodeCommandHandler.run`; release what it
/// leaves elsewhere with `whenClosed`.
final class ClientSession: @unchecked Sendable {
    /// Keeps this connection's pipelined reads and writes in Redis's order.
    let ordering: ConnectionOrdering
    /// AUTH (or HELLO ... AUTH) succeeded on this connection.
    var authenticated = false
    /// ... as the `admin` user (CommandPolicy lets it run admin commands).
    var admin = false
    /// Run once when the connection closes: a command that leaves state elsewhere for this
    /// connection (a subscription, a blocked pop) registers its release here.
    private var onClose: [() -> Void] = []

    func whenClosed(_ release: @escaping () -> Void) { onClose.append(release) }

    func closed() {
        let releases = onClose
        onClose = []
        for release in releases { release() }
    }

    // MULTI / EXEC (NodeCommandHandler+Transactions.swift)

    /// The commands queued since MULTI; nil outside a transaction.
    var queued: [ResolvedCommand]? = nil
    /// A command failed to queue (unknown, wrong arity...): EXEC will answer EXECABORT.
    var queueFailed = false

    // WATCH

    /// Bumped by UNWATCH, EXEC and DISCARD, so a WATCH whose read was still running when they
    /// arrived does not record its keys afterwards.
    var watchGeneration = 0
    var watched: [(key: ByteKey, fingerprint: UInt64)] = []
    /// A WATCH could not read its keys (no leader...): the next EXEC must not run unwatched.
    var watchFailed = false

    func unwatch() {
        watchGeneration += 1
        watched = []
        watchFailed = false
    }

    // Pub/Sub (NodeCommandHandler+PubSub.swift): released from the hub by `whenClosed`.

    var channels = Set<ByteKey>()
    var patterns = Set<ByteKey>()
    var subscriptionCount: Int { channels.count + patterns.count }
    var releasesSubscriptionsOnClose = false
    var cancelsBlockedPopsOnClose = false

    init(ordering: ConnectionOrdering) {
        self.ordering = ordering
    }
}

/// The client port's handler for one connection: the node's shared handler plus this
/// connection's session (so per-connection state needs no lock and no lookup by id).
struct NodeClientConnection: ClientCommandHandler {
    let node: NodeCommandHandler
    let session: ClientSession

    func handle(_ arguments: [[UInt8]], replyingTo context: ClientRequestContext) {
        node.handle(arguments, session: session, context: context)
    }

    func connectionClosed(_ connection: ClientConnectionInfo) { session.closed() }
}
