// Linearizable reads without writing to the log (dissertation §6.4, ReadIndex): the leader
// records its commit index, confirms it is still leader with a round of heartbeats acknowledged
// by a majority, and then the read may be served once the state machine has applied that index.
// Followers forward the request to the leader and serve the read locally with its answer.

struct PendingRead: Sendable {
    var requestID: UInt64
    /// Who asked: this node, or a follower that forwarded it.
    var origin: NodeID
    var index: LogIndex
    var context: UInt64
}

extension RaftNode {
    /// Asks for a read index. The answer comes as a `ReadState` in a later Ready; a request that
    /// cannot be answered (no leader, leadership lost) shows up in `takeDroppedReads()`.
    public mutating func readIndex(requestID: UInt64) {
        if currentRole == .leader {
            handleReadIndexRequest(from: id, requestID: requestID)
        } else if let l = leaderID {
            forwardedReads.insert(requestID)
            send(to: l, .readIndex(requestID: requestID))
        } else {
            droppedReads.append(requestID)
        }
    }

    /// Read requests that can no longer be answered: the shell fails them with a retryable error.
    public mutating func takeDroppedReads() -> [UInt64] {
        defer { droppedReads = [] }
        return droppedReads
    }

    mutating func handleReadIndexRequest(from origin: NodeID, requestID: UInt64) {
        guard currentRole == .leader else {
            if origin != id { send(to: origin, .readIndexResponse(requestID: requestID, index: .zero, ok: false)) }
            return
        }
        let read = PendingRead(requestID: requestID, origin: origin, index: raftLog.committed, context: 0)
        // §6.4 step 1: until the leader has committed an entry of its term (its no-op), it does
        // not know the latest commit index; wait for it.
        guard raftLog.term(at: raftLog.committed) == currentTerm else {
            readsAwaitingCommit.append(read)
            return
        }
        startRead(read)
    }

    mutating func startRead(_ r: PendingRead) {
        var read = r
        read.index = raftLog.committed
        let voters = confHistory.current.voters
        if voters == [id] {
            answerRead(read)
            return
        }
        readCounter += 1
        read.context = readCounter
        pendingReads.append(read)
        // §6.4 step 3: a fresh round of heartbeats proves no newer leader exists.
        broadcastHeartbeat(readContext: readCounter)
    }

    mutating func releaseReadsAwaitingCommit() {
        guard !readsAwaitingCommit.isEmpty, raftLog.term(at: raftLog.committed) == currentTerm else { return }
        let waiting = readsAwaitingCommit
        readsAwaitingCommit = []
        for r in waiting { startRead(r) }
    }

    mutating func noteReadAck(from peer: NodeID, context: UInt64) {
        if context > (readAcks[peer] ?? 0) { readAcks[peer] = context }
        let voters = confHistory.current.voters
        var confirmed = 0
        while confirmed < pendingReads.count {
            let ctx = pendingReads[confirmed].context
            guard Quorum.hasQuorum(voters: voters, { $0 == id || (readAcks[$0] ?? 0) >= ctx }) else { break }
            confirmed += 1
        }
        guard confirmed > 0 else { return }
        let done = pendingReads[..<confirmed]
        pendingReads.removeFirst(confirmed)
        for r in done { answerRead(r) }
    }

    mutating func answerRead(_ r: PendingRead) {
        if r.origin == id {
            readStates.append(ReadState(requestID: r.requestID, index: r.index))
        } else {
            send(to: r.origin, .readIndexResponse(requestID: r.requestID, index: r.index, ok: true))
        }
    }

    mutating func handleReadIndexResponse(requestID: UInt64, index: LogIndex, ok: Bool) {
        guard forwardedReads.remove(requestID) != nil else { return }
        if ok {
            readStates.append(ReadState(requestID: requestID, index: index))
        } else {
            droppedReads.append(requestID)
        }
    }

    /// Leadership lost: nothing pending can be confirmed any more.
    mutating func dropLeaderReads() {
        for r in readsAwaitingCommit + pendingReads {
            if r.origin == id {
                droppedReads.append(r.requestID)
            } else {
                send(to: r.origin, .readIndexResponse(requestID: r.requestID, index: .zero, ok: false))
            }
        }
        readsAwaitingCommit = []
        pendingReads = []
        readAcks = [:]
    }

    /// A follower's forwarded requests die with the leader they were sent to.
    mutating func dropForwardedReads() {
        droppedReads.append(contentsOf: forwardedReads.sorted())
        forwardedReads = []
    }
}
