// Leadership transfer (dissertation §3.10): the leader stops accepting proposals, brings the
// target's log up to date, then sends TimeoutNow; the target campaigns at once, skipping PreVote
// and the voters' leader lease.

extension RaftNode {
    public mutating func transferLeadership(to target: NodeID) throws(ProposalError) {
        guard currentRole == .leader else { throw .notLeader(leaderHint: leaderID) }
        guard target != id else { return }
        guard confHistory.current.voters.contains(target) else {
            throw .invalidConfChange("\(target) is not a voter")
        }
        if let t = leadTransferee {
            if t == target { return }
            throw .transferInProgress
        }
        leadTransferee = target
        // The transfer must finish within an election timeout, else it is abandoned (tickLeader).
        electionElapsed = 0
        if peers[target]?.match == raftLog.lastIndex {
            send(to: target, .timeoutNow)
        } else {
            sendAppend(to: target)
        }
    }

    mutating func handleTimeoutNow(_ m: Message) {
        guard currentRole != .leader, isPromotable else { return }
        hup(transfer: true)
    }
}
