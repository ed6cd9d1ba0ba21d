// What the shell asks its performer to do. The performer (the NIO node, the simulation, a test)
// carries the actions out in the order given; that order is the Ready contract (Ready.swift).
import RaftCore

/// The performer's handle on one client request; the performer picks the numbers.
public typealias RequestToken = UInt64

public enum ShellAction: Sendable, Equatable {
    /// The node's role, leader or term changed (callbacks, logs).
    case roleChanged(SoftState)
    /// Messages that depend on nothing unpersisted: send now.
    case send([Message])
    /// Make this durable with one sync, then call `NodeShell.persisted(now:)`; nothing after this
    /// action in the list depends on it (the shell holds the rest of the Ready until then).
    case persist(ShellPersist)
    /// Writes proposed at `first`, `first+1`, ... (for metrics and transcripts).
    case proposed(first: LogIndex, count: Int)
    /// Apply the committed entries in order (`.normal` ones to the state machine); the entry at
    /// an index found in `replyTo` answers that request with what applying it returned.
    case apply([Entry], replyTo: [LogIndex: RequestToken])
    /// Every ReadIndex answer of the Ready, including rounds the shell did not start (a caller
    /// that drives `core.readIndex` directly, such as a unit test).
    case readStates([ReadState])
    /// Serve this read from the state machine now: applied has reached the read index.
    case serveRead(RequestToken, readIndex: LogIndex)
    /// The write was not proposed here: the core named `leader` as the leader. The performer
    /// relays it (or refuses it when it was relayed to this node already).
    case redirect(RequestToken, leader: NodeID)
    /// A write that waited for a leader (`NodeShell.awaitLeader`): `leader` is known now. The
    /// performer submits it again: proposes it if `leader` is this node, relays it otherwise.
    case resubmit(RequestToken, leader: NodeID)
    /// Send the request `token` to `leader` under relay id `id` (NodeShell+Forwarding.swift); if
    /// there is no link to it, report `NodeShell.forwardUndeliverable(id:)`.
    case forward(RequestToken, id: UInt64, to: NodeID)
    /// The leader's reply to a relayed request, as the RESP bytes it sent: pass them on.
    case forwardedReply(RequestToken, [UInt8])
    /// An answer that is not a state-machine result.
    case refuse(RequestToken, ShellRefusal)
    /// The write counts as acknowledged without being applied (only under
    /// `ShellUnsafeFaults.ackBeforeCommit` or `.ackForwardBeforeReply`, which exist to prove a
    /// checker catches them).
    case acknowledgeUnsafely(RequestToken)
    /// A configuration change was proposed at `index` (for the log; its request is answered
    /// when the entry is applied, through `.apply`'s `replyTo`).
    case confChangeProposed(ConfChange, index: LogIndex)
    /// A leadership transfer asked for by request `token` ended (NodeShell+Membership.swift).
    case transferEnded(RequestToken, target: NodeID, TransferOutcome)
    /// Ask member `target` (an index into the performer's list) to admit this node; report the
    /// answer with `NodeShell.joinAnswered(admitted:now:)`.
    case sendJoinRequest(target: Int)
    /// The log names this node: joining is over.
    case joined(asVoter: Bool)
    /// Admitted long ago, yet no leader has sent this node its log: warn the operator (once).
    case joinUnreached
    /// Snapshot the state machine now: having carried out the actions before this one, it holds
    /// exactly `metadata.index`. Write it durably (off the loop is fine: freeze a copy here),
    /// then report with `NodeShell.snapshotWritten(_:recorded:)` (or `snapshotFailed`).
    case takeSnapshot(SnapshotMetadata)
    /// Receive the file of the leader's snapshot `metadata` (its InstallSnapshot is held until
    /// then); report with `NodeShell.snapshotReceived(_:)` once it is validated and durable, or
    /// `snapshotReceiveFailed(_:)`.
    case receiveSnapshot(SnapshotMetadata)
}

/// What a Ready asks to persist.
public struct ShellPersist: Sendable, Equatable {
    public var entries: [Entry]
    public var hardState: HardState?
    /// A snapshot the core adopted: restore the state machine from its file before the entries
    /// (the shell counts the state machine at its index from here on).
    public var snapshot: SnapshotMetadata?
    /// Whether the write needs an fsync before the rest of its Ready (`Ready.mustSync`): false
    /// when the batch only moves the commit index forward.
    public var mustSync: Bool = true
}

/// Why a request got no state-machine answer. The performer words each for its clients.
public enum ShellRefusal: Sendable, Equatable {
    case noLeader
    case transferInProgress
    /// The core refused the proposal for another reason (its description).
    case proposalFailed(String)
    /// Another leader's entry took the write's index: it was not applied.
    case writeOverwritten
    case readLeadershipChanged
    case writeTimedOut
    /// The node stopped leading while the write was proposed and not yet applied, or the leader a
    /// request was relayed to was lost (its link closed, or another leader is known now)
    /// before it answered: the write may still commit. Outcome unknown.
    case leadershipLost
    case readTimedOut
    case shuttingDown
    /// A relayed request could not be sent: no link to that leader.
    case leaderUnreachable(NodeID)
    /// The core refused a configuration change or a leadership transfer (its reason).
    case confChangeRefused(ProposalError)
    case transferRefused(ProposalError)
}
