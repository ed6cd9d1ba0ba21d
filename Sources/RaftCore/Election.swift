// Leader election (§5.2), the voting restriction (§5.4.1), PreVote (dissertation §9.6) and
// CheckQuorum with the leader lease on votes (dissertation §6.2 and §4.2.3). Also the entry point
// `step(_:)`, whose first job is the term comparison every RPC starts with (§5.1).

extension RaftNode {
    /// Can this node become leader? Only voters campaign: a learner never does, and neither does
    /// a node removed from (or not yet added to) the configuration.
    var isPromotable: Bool { confHistory.current.voters.contains(id) }

    public mutating func tick() {
        if currentRole == .leader {
            tickLeader()
        } else {
            electionElapsed += 1
            if isPromotable, electionElapsed >= randomizedElectionTimeout {
                electionElapsed = 0
                hup(transfer: false)
            }
        }
    }

    /// Force an election now (tests, bootstrap). Goes through PreVote when enabled.
    public mutating func campaign() {
        guard currentRole != .leader else { return }
        hup(transfer: false)
    }

    mutating func tickLeader() {
        heartbeatElapsed += 1
        electionElapsed += 1
        if electionElapsed >= config.electionTick {
            electionElapsed = 0
            if config.checkQuorum {
                // CheckQuorum (dissertation §6.2): step down if a majority was not heard from
                // within an election timeout, so a partitioned leader stops serving.
                let voters = confHistory.current.voters
                let heard = Quorum.hasQuorum(voters: voters) { $0 == id || peers[$0]?.recentActive == true }
                for k in peers.keys where k != id { peers[k]?.recentActive = false }
                if !heard {
                    becomeFollower(term: currentTerm, leader: nil)
                    return
                }
            }
            // A transfer that did not finish within an election timeout is abandoned (§3.10).
            if leadTransferee != nil { leadTransferee = nil }
        }
        if heartbeatElapsed >= config.heartbeatTick {
            heartbeatElapsed = 0
            broadcastHeartbeat(readContext: readCounter)
        }
        // Retransmission: a peer that made no progress for an election timeout while messages
        // were in flight has lost one of them; probe it again.
        for k in peers.keys.sorted() where k != id {
            guard var pr = peers[k] else { continue }
            let waiting = (pr.state == .replicate && pr.next > pr.match.next) || pr.state == .snapshot || (pr.state == .probe && pr.probeSent)
            guard waiting else { continue }
            pr.stalledTicks += 1
            if pr.stalledTicks >= config.electionTick {
                pr.becomeProbe()
                peers[k] = pr
                sendAppend(to: k)
            } else {
                peers[k] = pr
            }
        }
    }

    mutating func resetElectionTimer() {
        electionElapsed = 0
        heartbeatElapsed = 0
        randomizedElectionTimeout = config.electionTick + rng.below(max(1, config.electionTick))
    }

    // MARK: role changes

    mutating func becomeFollower(term: Term, leader: NodeID?) {
        let wasLeader = currentRole == .leader
        if term != currentTerm {
            currentTerm = term
            votedFor = nil
        }
        if leader != leaderID || wasLeader { dropForwardedReads() }
        if wasLeader { dropLeaderReads() }
        leaderID = leader
        currentRole = confHistory.current.learners.contains(id) ? .learner : .follower
        peers = [:]
        votes = [:]
        leadTransferee = nil
        resetElectionTimer()
    }

    mutating func becomePreCandidate() {
        // PreVote does not change the term or the vote: a node that cannot win disturbs no one.
        dropForwardedReads()
        currentRole = .preCandidate
        leaderID = nil
        votes = [:]
        resetElectionTimer()
    }

    mutating func becomeCandidate() {
        dropForwardedReads()
        currentTerm = currentTerm.next
        votedFor = id
        currentRole = .candidate
        leaderID = nil
        votes = [:]
        resetElectionTimer()
    }

    mutating func becomeLeader() {
        currentRole = .leader
        leaderID = id
        votes = [:]
        leadTransferee = nil
        resetElectionTimer()
        peers = [:]
        readAcks = [:]
        let conf = confHistory.current
        for m in conf.members {
            var pr = PeerProgress(next: raftLog.lastIndex.next, isLearner: conf.learners.contains(m))
            if m == id {
                _ = pr.maybeUpdate(raftLog.persisted)
                pr.recentActive = true
                pr.state = .replicate
            }
            peers[m] = pr
        }
        // The leader's own entry is always in peers (even if it is being removed), for `match`.
        if peers[id] == nil {
            var me = PeerProgress(next: raftLog.lastIndex.next, isLearner: false)
            _ = me.maybeUpdate(raftLog.persisted)
            me.state = .replicate
            peers[id] = me
        }
        pendingConfIndex = confHistory.lastChangeIndex
        // A no-op opens the term (§8): committing it commits everything before it (§5.4.2),
        // which is what ReadIndex and configuration changes wait for.
        if !config.faults.contains(.commitOldTermByCounting) {
            appendAsLeader([Entry(term: currentTerm, index: raftLog.lastIndex.next, kind: .noop)])
        }
        broadcastAppend()
    }

    /// Start an election: PreVote first when enabled, unless a leader transfer asked us to go now.
    mutating func hup(transfer: Bool) {
        guard isPromotable else { return }
        if config.preVote && !transfer {
            becomePreCandidate()
            requestVotes(preVote: true, transfer: false)
        } else {
            becomeCandidate()
            requestVotes(preVote: false, transfer: transfer)
        }
    }

    mutating func requestVotes(preVote: Bool, transfer: Bool) {
        let voters = confHistory.current.voters
        let voteTerm = preVote ? currentTerm.next : currentTerm
        // Our own vote: durable with this Ready's hard state before any request leaves (send()).
        votes[id] = true
        if tallyVotes(preVote: preVote) { return }
        let rv = RequestVote(lastLogIndex: raftLog.lastIndex, lastLogTerm: raftLog.lastTerm, preVote: preVote, leadershipTransfer: transfer)
        for v in voters.sorted() where v != id {
            send(to: v, term: voteTerm, .requestVote(rv))
        }
    }

    /// Counts votes; returns true when the election is decided.
    mutating func tallyVotes(preVote: Bool) -> Bool {
        switch Quorum.voteResult(voters: confHistory.current.voters, votes: votes) {
        case .won:
            if preVote {
                becomeCandidate()
                requestVotes(preVote: false, transfer: false)
            } else {
                becomeLeader()
            }
            return true
        case .lost:
            becomeFollower(term: currentTerm, leader: nil)
            return true
        case .pending:
            return false
        }
    }

    // MARK: step: every message starts with the term comparison (§5.1)

    public mutating func step(_ m: Message) {
        guard m.to == id, m.from != id else { return }
        // A term this large can only be corrupt input (terms grow by one per election); taking
        // it would also leave no room to campaign.
        guard m.term.rawValue < UInt64.max / 2 else { return }
        // A vote request from a server that is not a voter in our latest configuration is
        // ignored before its term is looked at. A server removed while it was down never learns
        // of its removal and campaigns with its old configuration: it must neither push the
        // members' terms up nor win their votes (dissertation §4.2.3, disruptive servers).
        // Withholding a vote is always safe; a member that lags behind a configuration adding
        // the candidate would, by the log check, rarely have granted it anyway.
        if case .requestVote = m.body, !confHistory.current.voters.contains(m.from) { return }
        if m.term > currentTerm {
            switch m.body {
            case .requestVote(let rv):
                // Leader lease (dissertation §4.2.3): a node that heard from a leader within the
                // minimum election timeout ignores vote requests, so a node that rejoins after a
                // partition cannot depose a healthy leader. A transfer overrides it (§3.10).
                let inLease = config.checkQuorum && leaderID != nil && electionElapsed < config.electionTick
                if inLease && !rv.leadershipTransfer { return }
                if !rv.preVote { becomeFollower(term: m.term, leader: nil) }
            case .requestVoteResponse(let r) where r.preVote && r.granted:
                // A granted pre-vote carries the term we would campaign in; nothing to adopt.
                break
            case .appendEntries, .installSnapshot, .timeoutNow:
                becomeFollower(term: m.term, leader: m.from)
            default:
                becomeFollower(term: m.term, leader: nil)
            }
        } else if m.term < currentTerm {
            switch m.body {
            case .appendEntries where config.checkQuorum || config.preVote:
                // A stale leader (or one cut off from us that kept its term while we moved on
                // without disrupting anyone, thanks to PreVote) learns the newer term from this.
                send(to: m.from, .appendEntriesResponse(AppendEntriesResponse(success: false, index: .zero)))
            case .requestVote(let rv) where rv.preVote:
                send(to: m.from, .requestVoteResponse(RequestVoteResponse(granted: false, preVote: true)))
            case .readIndex(let rid):
                send(to: m.from, .readIndexResponse(requestID: rid, index: .zero, ok: false))
            default:
                break
            }
            return
        }

        switch m.body {
        case .requestVote(let rv):
            handleRequestVote(m, rv)
        case .requestVoteResponse(let r):
            handleVoteResponse(m, r)
        case .appendEntries(let ae):
            handleAppendEntries(m, ae)
        case .appendEntriesResponse(let r):
            if currentRole == .leader { handleAppendResponse(m, r) }
        case .installSnapshot(let s):
            handleInstallSnapshot(m, s)
        case .installSnapshotResponse(let r):
            if currentRole == .leader { handleSnapshotResponse(m, r) }
        case .timeoutNow:
            handleTimeoutNow(m)
        case .readIndex(let rid):
            handleReadIndexRequest(from: m.from, requestID: rid)
        case .readIndexResponse(let rid, let index, let ok):
            handleReadIndexResponse(requestID: rid, index: index, ok: ok)
        }
    }

    /// RequestVote receiver (Figure 2; §5.2 and §5.4.1).
    mutating func handleRequestVote(_ m: Message, _ rv: RequestVote) {
        // One vote per term, first come first served (§5.2); a pre-vote for a later term binds
        // nothing. Without a known leader and vote this term, we are free to vote.
        let canVote = votedFor == m.from
            || (votedFor == nil && leaderID == nil)
            || (rv.preVote && m.term > currentTerm)
        // A learner never votes: it is not part of any quorum.
        let isLearner = confHistory.current.learners.contains(id)
        let logOK = config.faults.contains(.voteWithoutLogCheck)
            || raftLog.isUpToDate(lastIndex: rv.lastLogIndex, lastTerm: rv.lastLogTerm)
        if canVote && logOK && !isLearner {
            send(to: m.from, term: m.term, .requestVoteResponse(RequestVoteResponse(granted: true, preVote: rv.preVote)))
            if !rv.preVote {
                electionElapsed = 0
                votedFor = m.from
            }
        } else {
            send(to: m.from, .requestVoteResponse(RequestVoteResponse(granted: false, preVote: rv.preVote)))
        }
    }

    mutating func handleVoteResponse(_ m: Message, _ r: RequestVoteResponse) {
        if r.preVote {
            guard currentRole == .preCandidate else { return }
            // Granted answers carry our would-be term; rejections the voter's own term.
            guard (r.granted && m.term == currentTerm.next) || (!r.granted && m.term == currentTerm) else { return }
            votes[m.from] = r.granted
            _ = tallyVotes(preVote: true)
        } else {
            guard currentRole == .candidate, m.term == currentTerm else { return }
            votes[m.from] = r.granted
            _ = tallyVotes(preVote: false)
        }
    }
}
