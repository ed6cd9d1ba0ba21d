import ClientProtocol
import NIOCore
import RESP

/// One client connection's state at the node, made when the connection opens and gone when it
/// closes; used on the connection's event loop only. Connection-level commands keep their
/// state here (AUTH's result now; MULTI's queue, SUBSCRIBE's channels next): add a field, and
/// read or change it in the command's case of `NodeCommandHandler.run`; release what it leaves
/// elsewhere with `whenClosed`.
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

    init(ordering: ConnectionOrdering) {
        self.ordering = ordering
    }
}

/// The client port's handler for one connection: the node's shared handler plus this
/// connection's session (so per-connection state needs no lock and no lookup by id).
struct NodeClientConnection: ClientCommandHandler {
    let node: NodeCommandHandler
    let session: ClientSession

    func handle(_ arguments: [[UInt8]], context: ClientRequestContext) -> EventLoopFuture<RESPValue> {
        node.handle(arguments, session: session, context: context)
    }

    func connectionClosed(_ connection: ClientConnectionInfo) { session.closed() }
}
