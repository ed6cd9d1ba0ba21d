// Log replication (§5.3) with batching and pipelining, fast back-off on conflicts, and
// commitment by counting replicas of current-term entries only (§5.4.2, Figure 8).

extension RaftNode {
    @discardableResult
    public mutating func propose(_ data: [UInt8]) throws(ProposalError) -> LogIndex {
        try checkCanPropose()
        let e = Entry(term: currentTerm, index: raftLog.lastIndex.next, kind: .normal, data: data)
        appendAsLeader([e])
        broadcastAppend()
        return e.index
    }

    func checkCanPropose() throws(ProposalError) {
        guard currentRole == .leader else {
            if !confHistory.current.members.isEmpty && !confHistory.current.members.contains(id) { throw .removed }
            throw .notLeader(leaderHint: leaderID)
        }
        // Leadership is being handed over (dissertation §3.10): new entries would only delay it.
        guard leadTransferee == nil else { throw .transferInProgress }
    }

    /// Appends entries at the end of the leader's log. They count toward commitment for the
    /// leader only after the shell made them durable (see advance()).
    mutating func appendAsLeader(_ es: [Entry]) {
        raftLog.append(es)
        if confHistory.record(entries: es) { configurationChanged() }
    }

    mutating func broadcastAppend() {
        for k in peers.keys.sorted() where k != id { sendAppend(to: k) }
    }

    /// Sends the next batch to `to` if its flow control allows (probe: one at a time; replicate:
    /// up to `maxInflightAppends` pipelined; snapshot: nothing until it is installed).
    mutating func sendAppend(to: NodeID) {
        guard var pr = peers[to], !pr.isPaused(maxInflight: config.maxInflightAppends) else { return }
        let prevIndex = pr.next.previous
        guard let prevTerm = raftLog.term(at: prevIndex),
            let es = raftLog.slice(from: pr.next, maxCount: config.maxEntriesPerAppend, maxBytes: config.maxBytesPerAppend)
        else {
            // What the peer needs is compacted away: it needs the snapshot (§7).
            sendSnapshot(to: to)
            return
        }
        // In replicate state with nothing new, heartbeats carry the commit index instead.
        if pr.state == .replicate && es.isEmpty { return }
        let ae = AppendEntries(prevLogIndex: prevIndex, prevLogTerm: prevTerm, entries: es, leaderCommit: raftLog.committed)
        pr.sentEntries(lastIndex: es.last?.index ?? prevIndex, count: es.count)
        peers[to] = pr
        send(to: to, .appendEntries(ae))
    }

    /// Heartbeats (§5.2) are empty AppendEntries anchored at the peer's known match, so they
    /// always pass the consistency check and can carry the commit index and a read context.
    mutating func broadcastHeartbeat(readContext: UInt64) {
        for k in peers.keys.sorted() where k != id {
            guard let pr = peers[k] else { continue }
            var prev = pr.match
            var prevTerm = raftLog.term(at: prev)
            if prevTerm == nil {
                prev = .zero
                prevTerm = .zero
            }
            let ae = AppendEntries(prevLogIndex: prev, prevLogTerm: prevTerm ?? .zero, entries: [], leaderCommit: raftLog.committed, readContext: readContext)
            send(to: k, .appendEntries(ae))
        }
    }

    /// AppendEntries receiver (Figure 2, §5.3).
    mutating func handleAppendEntries(_ m: Message, _ ae: AppendEntries) {
        // Same term: whoever sends AppendEntries is this term's leader (at most one per term).
        if currentRole != .follower && currentRole != .learner {
            if currentRole == .leader { return }
            becomeFollower(term: m.term, leader: m.from)
        }
        if leaderID != m.from {
            dropForwardedReads()
            leaderID = m.from
        }
        electionElapsed = 0
        // Already committed here: the leader's log agrees up to our commit (Leader Completeness).
        if ae.prevLogIndex < raftLog.committed {
            send(to: m.from, .appendEntriesResponse(AppendEntriesResponse(success: true, index: raftLog.committed, readContext: ae.readContext)))
            return
        }
        var truncatedFrom: LogIndex? = nil
        if let lastNew = raftLog.maybeAppend(prevIndex: ae.prevLogIndex, prevTerm: ae.prevLogTerm, entries: ae.entries, truncatedFrom: &truncatedFrom) {
            // Configurations take effect when appended (dissertation §4.1), so a truncated
            // suffix takes its configurations with it.
            var changed = false
            if let t = truncatedFrom { changed = confHistory.truncate(from: t) }
            if confHistory.record(entries: ae.entries) { changed = true }
            if changed { configurationChanged() }
            // "If leaderCommit > commitIndex, set commitIndex = min(leaderCommit, index of last new entry)."
            raftLog.commit(to: min(ae.leaderCommit, lastNew))
            send(to: m.from, .appendEntriesResponse(AppendEntriesResponse(success: true, index: lastNew, readContext: ae.readContext)))
        } else {
            // Reject, with the hint for fast back-off (§5.3): the term at prevLogIndex and the
            // first index we hold for it, or our log's end when it is too short.
            var r = AppendEntriesResponse(success: false, index: ae.prevLogIndex, readContext: ae.readContext)
            if ae.prevLogIndex > raftLog.lastIndex {
                r.conflictIndex = raftLog.lastIndex.next
                r.conflictTerm = .zero
            } else if let t = raftLog.term(at: ae.prevLogIndex) {
                r.conflictTerm = t
                r.conflictIndex = max(raftLog.firstIndex(ofTermAt: ae.prevLogIndex), raftLog.committed.next)
            } else {
                r.conflictIndex = raftLog.committed.next
            }
            send(to: m.from, .appendEntriesResponse(r))
        }
    }

    mutating func handleAppendResponse(_ m: Message, _ r: AppendEntriesResponse) {
        guard var pr = peers[m.from] else { return }
        pr.recentActive = true
        if r.readContext != 0 { noteReadAck(from: m.from, context: r.readContext) }
        if !r.success {
            if r.index == .zero && r.conflictIndex == .zero {
                // A stale-term nudge, or nothing to learn from.
                peers[m.from] = pr
                return
            }
            // Fast back-off: skip the whole conflicting term if we hold it, else jump to the
            // follower's hint.
            var hint = r.conflictIndex
            if r.conflictTerm != .zero, let lastOfTerm = raftLog.lastIndex(ofTerm: r.conflictTerm) {
                hint = lastOfTerm.next
            }
            if hint == .zero { hint = r.index }
            if pr.maybeDecrease(rejected: r.index, hint: hint) {
                if pr.state == .replicate {
                    let next = pr.next
                    pr.becomeProbe()
                    pr.next = next
                }
                peers[m.from] = pr
                sendAppend(to: m.from)
            } else {
                peers[m.from] = pr
            }
            return
        }
        let oldPaused = pr.isPaused(maxInflight: config.maxInflightAppends)
        if pr.maybeUpdate(r.index) {
            switch pr.state {
            case .probe: pr.becomeReplicate()
            case .snapshot where pr.match >= pr.pendingSnapshot: pr.becomeProbe()
            case .replicate: pr.freeInflights(upTo: r.index)
            default: break
            }
            peers[m.from] = pr
            if maybeCommit() {
                broadcastAppend()
            } else {
                sendAppend(to: m.from)
            }
            if m.from == leadTransferee && pr.match == raftLog.lastIndex {
                send(to: m.from, .timeoutNow)
            }
        } else {
            // A heartbeat answer or a duplicate: if a probe got lost, this is our chance to retry.
            if pr.state == .probe { pr.probeSent = false }
            if pr.state == .replicate && pr.inflights.count >= config.maxInflightAppends {
                pr.inflights.removeFirst()
            }
            peers[m.from] = pr
            if oldPaused || pr.match < raftLog.lastIndex { sendAppend(to: m.from) }
        }
    }

    /// §5.4.2: "Raft never commits log entries from previous terms by counting replicas. Only
    /// log entries from the leader's current term are committed by counting replicas"; earlier
    /// entries are committed indirectly with them. Returns true when the commit index moved.
    mutating func maybeCommit() -> Bool {
        let voters = confHistory.current.voters
        var matches: [LogIndex] = []
        matches.reserveCapacity(voters.count)
        for v in voters { matches.append(v == id ? raftLog.persisted : (peers[v]?.match ?? .zero)) }
        let n = Quorum.committedIndex(matches)
        guard n > raftLog.committed else { return false }
        if !config.faults.contains(.commitOldTermByCounting) {
            guard raftLog.term(at: n) == currentTerm else { return false }
        }
        raftLog.commit(to: n)
        committedAdvanced()
        return true
    }

    /// Consequences of a new commit index on the leader: pending reads may go, and a leader
    /// whose removal just committed steps down (dissertation §4.2.2).
    mutating func committedAdvanced() {
        releaseReadsAwaitingCommit()
        guard confHistory.lastChangeIndex <= raftLog.committed else { return }
        let conf = confHistory.current
        // Removed members whose removal is now committed are forgotten.
        for k in peers.keys where k != id && !conf.members.contains(k) { peers[k] = nil }
        if !conf.voters.contains(id) {
            becomeFollower(term: currentTerm, leader: nil)
        }
    }
}
