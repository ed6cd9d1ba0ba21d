// The default Raft timing, chosen for failover in well under half a second.
//
// A 50 ms tick with a heartbeat every tick and an election timeout of 5 ticks (drawn anew from
// 250-500 ms): a follower notices a dead leader after 5-10 missed heartbeats, campaigns, and the
// new leader commits its no-op a few milliseconds later (about 0.3 s in all, median).
//
// Why this does not disturb a live leader on a loaded machine (2 shared cores): PreVote means a
// follower whose heartbeats were late only asks whether it could win, without raising its term,
// and with CheckQuorum the other followers refuse while they have heard from the leader within
// their own election timeout; so a leader is replaced only when a majority has missed it for
// 250 ms or more. A node whose process is not scheduled also does not tick (NIO's repeated task
// does not catch up), so a stalled follower does not campaign because of its own stall; and a
// leader steps down (CheckQuorum) only when no majority answered during a whole election timeout.
// The previous defaults (100 ms, 10 ticks: 1-2 s) gave a failover of 1-1.6 s.
extension RaftServerOptions {
    public static let defaultTickMilliseconds = 50
    public static let defaultElectionTicks = 5
}
