#if canImport(Glibc)
import Glibc
#endif
import Logging
import RaftCore

/// What a node can tell about its own timeliness, to explain a leader change after the fact:
/// how late its ticks came (its event loop or process stalled), how long a Ready's work held the
/// loop, and when it last heard from each peer. Reported in the log when an election starts or a
/// leader steps down, and as metrics (raft_tick_interval_seconds, raft_ready_turn_seconds).
struct LoopHealth {
    /// Monotonic milliseconds of the last tick (0: none yet).
    var lastTickAt: UInt64 = 0
    /// Monotonic milliseconds of the last message from each peer.
    var lastHeard: [NodeID: UInt64] = [:]
    /// The leader last known and the term, to say whom a campaign or a step-down concerns.
    var lastLeader: NodeID? = nil
    var lastRole: Role = .follower
    var lastTerm: Term = .zero
    /// The longest tick interval and Ready turn since the last report, in milliseconds.
    var worstTickGap: UInt64 = 0
    var worstTurn: UInt64 = 0
    /// What the turn being performed did: entries applied, messages sent.
    var turnApplied = 0
    var turnSent = 0

    /// This thread's CPU time in microseconds: a turn long in wall time but short in CPU time
    /// was waiting for a core, not working.
    static func threadCPUMicros() -> UInt64 {
        var ts = timespec()
        clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts)
        return UInt64(ts.tv_sec) * 1_000_000 + UInt64(ts.tv_nsec) / 1_000
    }
}

extension NodeDriver {
    /// A tick arrived at `now`: its distance from the last one is the loop's (or the process's)
    /// lateness plus the tick itself. A gap of half the election timeout is worth a log line: a
    /// follower stalled that long is close to campaigning, a leader close to being replaced.
    func noteTick(now: UInt64) {
        defer { health.lastTickAt = now }
        if let l = raft.leader { health.lastLeader = l }  // learned without a role change too
        guard health.lastTickAt != 0, now > health.lastTickAt else { return }
        let gap = now - health.lastTickAt
        metrics.tickInterval.recordMilliseconds(Int64(gap))
        health.worstTickGap = max(health.worstTickGap, gap)
        let tick = UInt64(options.tickMilliseconds)
        if gap >= tick * UInt64(max(2, options.electionTicks)) / 2 + tick {
            logger.warning("event loop late: a tick came \(gap) ms after the last (every \(tick) ms expected)")
        }
    }

    /// One Ready's work on the loop took `millis` of wall time and `cpuMicros` of this thread's
    /// CPU (a long one delays every tick and message behind it).
    func noteTurn(millis: UInt64, cpuMicros: UInt64) {
        metrics.readyTurn.recordMilliseconds(Int64(millis))
        health.worstTurn = max(health.worstTurn, millis)
        if millis >= UInt64(options.tickMilliseconds) {
            logger.warning("event loop late: one Ready took \(millis) ms on the loop, \(cpuMicros / 1000) ms of it on a core (applied \(health.turnApplied) entries, sent \(health.turnSent) messages; the tick is \(options.tickMilliseconds) ms)")
        }
        health.turnApplied = 0
        health.turnSent = 0
    }

    func noteHeard(from peer: NodeID) {
        health.lastHeard[peer] = Self.monotonicMillis()
    }

    /// A vote or pre-vote this node grants is half of a leader change: say what it had heard.
    func noteVotesGranted(_ messages: [Message]) {
        for m in messages {
            guard case .requestVoteResponse(let r) = m.body, r.granted else { continue }
            let now = Self.monotonicMillis()
            let leader = health.lastLeader.map { l in "\(l), " + (health.lastHeard[l].map { "heard \(now >= $0 ? now - $0 : 0) ms ago" } ?? "never heard") } ?? "none known"
            logger.info("granted a \(r.preVote ? "pre-vote" : "vote") to \(m.to) for term \(m.term): leader \(leader); longest tick gap \(health.worstTickGap) ms, longest Ready \(health.worstTurn) ms since the last role change")
        }
    }

    /// Called with every role change: when this node starts an election or a leader steps down,
    /// say what it had (not) heard, so a log shows who started a leader change and why.
    func noteRoleChange(_ ss: SoftState) {
        let now = Self.monotonicMillis()
        let was = health.lastRole
        defer {
            health.lastRole = ss.role
            health.lastTerm = ss.term
            if ss.leader != nil { health.lastLeader = ss.leader }
            health.worstTickGap = 0
            health.worstTurn = 0
        }
        func ago(_ id: NodeID) -> String { health.lastHeard[id].map { "heard \(now >= $0 ? now - $0 : 0) ms ago" } ?? "never heard" }
        let stalls = "longest tick gap \(health.worstTickGap) ms, longest Ready \(health.worstTurn) ms since the last role change"
        switch ss.role {
        case .preCandidate:
            let leader = health.lastLeader.map { "\($0), \(ago($0))" } ?? "none known"
            logger.info("campaigning (pre-vote) in term \(ss.term): leader \(leader); \(stalls)")
        case .follower where was == .leader && ss.leader == nil && ss.term == health.lastTerm:
            let peers = raft.configuration.voters.sorted().filter { $0 != options.id }.map { "\($0) \(ago($0))" }.joined(separator: ", ")
            logger.info("stepped down in term \(ss.term) (CheckQuorum: no majority heard within an election timeout): \(peers); \(stalls)")
        default:
            break
        }
    }
}
