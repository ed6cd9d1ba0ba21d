import Metrics
import NIOCore
import RaftCore

/// The node's metrics, through swift-metrics (so an embedding application picks the backend;
/// raft-node bootstraps Prometheus and serves it on --metrics-addr). Every handle carries the
/// label node="<id>". Names and meanings are listed in docs/OPERATIONS.md ("Metrics").
/// Mutable parts are touched on the driver's loop only; handles themselves are thread-safe.
final class NodeMetrics: @unchecked Sendable {
    let proposals: Counter
    let commits: Counter
    let elections: Counter
    let leaderChanges: Counter
    let forwarded: Counter
    let snapshots: Counter
    let snapshotBytes: Gauge
    /// Snapshot file bytes written to peers; transfers resumed from a follower's offset.
    let snapshotBytesSent: Counter
    let snapshotTransfersResumed: Counter
    let term: Gauge
    let role: Gauge
    let isLeader: Gauge
    let commitIndex: Gauge
    let appliedIndex: Gauge
    let lastIndex: Gauge
    /// From proposal on the leader to the write being applied and answered.
    let appendLatency: Metrics.Timer
    /// One batch made durable: WAL append plus fsync (group commit: one per batch).
    let fsyncLatency: Metrics.Timer
    /// The peer port's defences (PeerAdmission, PeerAuthHandler): inbound connections closed at
    /// accept for being over a cap, handshakes refused, handshakes that ran out of time, frames
    /// over the size limit; and the inbound peer connections open now.
    let peerConnectionsRefused: Counter
    let peerHandshakeFailures: Counter
    let peerHandshakeTimeouts: Counter
    let peerOversizedFrames: Counter
    let peerInboundConnections: Gauge

    private var proposedAt: [LogIndex: NIODeadline] = [:]
    private var lastRole: Role? = nil
    private var lastTerm: Term = .zero
    private var lastLeader: NodeID? = nil

    init(node: NodeID) {
        let d = [("node", node.rawValue)]
        proposals = Counter(label: "raft_proposals_total", dimensions: d)
        commits = Counter(label: "raft_commits_total", dimensions: d)
        elections = Counter(label: "raft_elections_total", dimensions: d)
        leaderChanges = Counter(label: "raft_leader_changes_total", dimensions: d)
        forwarded = Counter(label: "raft_forwarded_requests_total", dimensions: d)
        snapshots = Counter(label: "raft_snapshots_total", dimensions: d)
        snapshotBytes = Gauge(label: "raft_snapshot_size_bytes", dimensions: d)
        snapshotBytesSent = Counter(label: "raft_snapshot_sent_bytes_total", dimensions: d)
        snapshotTransfersResumed = Counter(label: "raft_snapshot_transfers_resumed_total", dimensions: d)
        term = Gauge(label: "raft_term", dimensions: d)
        role = Gauge(label: "raft_role", dimensions: d)
        isLeader = Gauge(label: "raft_is_leader", dimensions: d)
        commitIndex = Gauge(label: "raft_commit_index", dimensions: d)
        appliedIndex = Gauge(label: "raft_applied_index", dimensions: d)
        lastIndex = Gauge(label: "raft_last_index", dimensions: d)
        appendLatency = Metrics.Timer(label: "raft_append_latency_seconds", dimensions: d, preferredDisplayUnit: .seconds)
        fsyncLatency = Metrics.Timer(label: "raft_fsync_latency_seconds", dimensions: d, preferredDisplayUnit: .seconds)
        peerConnectionsRefused = Counter(label: "raft_peer_connections_refused_total", dimensions: d)
        peerHandshakeFailures = Counter(label: "raft_peer_handshake_failures_total", dimensions: d)
        peerHandshakeTimeouts = Counter(label: "raft_peer_handshake_timeouts_total", dimensions: d)
        peerOversizedFrames = Counter(label: "raft_peer_oversized_frames_total", dimensions: d)
        peerInboundConnections = Gauge(label: "raft_peer_inbound_connections", dimensions: d)
    }

    /// raft_role's values: follower 0, pre-candidate 1, candidate 2, leader 3, learner 4.
    static func code(_ r: Role) -> Int {
        switch r {
        case .follower: 0
        case .preCandidate: 1
        case .candidate: 2
        case .leader: 3
        case .learner: 4
        }
    }

    /// Called with every status publication: gauges, and the events seen as changes
    /// (an election is a term started as candidate, §5.2; a leader change is a new known leader).
    /// `applied` is what the state machine holds (the shell's `stateMachineIndex`), not the
    /// core's `handedOutIndex`, which runs ahead of it while a Ready is being made durable.
    func observe(_ raft: RaftNode, applied: LogIndex) {
        term.record(Int64(raft.term.rawValue))
        role.record(Self.code(raft.role))
        isLeader.record(raft.role == .leader ? 1 : 0)
        commitIndex.record(Int64(raft.commitIndex.rawValue))
        appliedIndex.record(Int64(applied.rawValue))
        lastIndex.record(Int64(raft.lastIndex.rawValue))
        if raft.role == .candidate, lastRole != .candidate || raft.term != lastTerm { elections.increment() }
        if let l = raft.leader, l != lastLeader { leaderChanges.increment() }
        if raft.role != .leader, !proposedAt.isEmpty { proposedAt = [:] }
        lastRole = raft.role
        lastTerm = raft.term
        if raft.leader != nil { lastLeader = raft.leader }
    }

    /// A batch of `count` entries proposed from `first` on. The append latency is sampled once per
    /// batch (its first entry: the batch commits as one), which keeps a clock read and a table
    /// insert off every single write.
    func proposed(first: LogIndex, count: Int) {
        guard count > 0 else { return }
        proposals.increment(by: count)
        if proposedAt.count < 100_000 { proposedAt[first] = .now() }
    }

    func committed(_ entries: [Entry]) {
        guard !entries.isEmpty else { return }
        commits.increment(by: entries.count)
        guard !proposedAt.isEmpty else { return }
        let now = NIODeadline.now()
        for e in entries {
            if let t = proposedAt.removeValue(forKey: e.index) {
                appendLatency.recordNanoseconds((now - t).nanoseconds)
            }
        }
    }

    func snapshotTaken(bytes: Int) {
        snapshots.increment()
        snapshotBytes.record(bytes)
    }
}
