import KeyValueStore
import NIOCore
import PeerWire
import RESP
import RaftCore

// Client commands that need Raft: writes are proposed on the leader (forwarded to it from a
// follower), reads are served after ReadIndex (dissertation §6.4) or locally.

extension NodeDriver {
    static func noLeader() -> RESPValue { .error("CLUSTERDOWN No leader elected yet, try again") }

    /// Runs a data command; called on `loop`. `forwardedFrom` is set when a follower relayed it:
    /// such a request is never relayed again (no forwarding loops while leadership moves).
    /// Commands of kind `.admin` belong to the node (NodeCommandHandler) and are never proposed.
    func submit(_ arguments: [[UInt8]], forwardedFrom: NodeID? = nil) -> EventLoopFuture<RESPValue> {
        loop.preconditionInEventLoop()
        guard !stopped else { return loop.makeSucceededFuture(.error("TRYAGAIN node is shutting down")) }
        if let reply = membershipCommand(arguments, forwardedFrom: forwardedFrom) { return reply }
        switch machine.classify(arguments) {
        case .failure(let error):
            return loop.makeSucceededFuture(error.reply)
        case .success(.admin):
            return loop.makeSucceededFuture(Self.notReplicated(arguments))
        case .success(.read):
            return read(arguments)
        case .success(.write):
            return write(arguments, forwardedFrom: forwardedFrom)
        }
    }

    static func notReplicated(_ arguments: [[UInt8]]) -> RESPValue {
        let name = String(decoding: (arguments.first ?? []).prefix(128), as: UTF8.self)
        return .error("ERR '\(name)' is a node command and cannot run through the log")
    }

    private var requestDeadline: NIODeadline { .now() + .milliseconds(Int64(options.requestTimeoutMilliseconds)) }

    private static func nowMillis() -> Int64 {
        Int64(clock_gettime_realtime_millis())
    }

    // MARK: writes

    private func write(_ arguments: [[UInt8]], forwardedFrom: NodeID?) -> EventLoopFuture<RESPValue> {
        guard raft.role == .leader else {
            guard forwardedFrom == nil else { return loop.makeSucceededFuture(.error("TRYAGAIN this node is no longer the leader")) }
            guard let leader = raft.leader, leader != options.id else { return loop.makeSucceededFuture(Self.noLeader()) }
            return forward(arguments, to: leader)
        }
        let entry: [UInt8]
        switch machine.prepare(arguments, now: readNow()) {
        case .entry(let bytes): entry = bytes
        case .reply(let rejection): return loop.makeSucceededFuture(rejection)
        }
        // Proposed at the start of the next Ready with every other write of this loop turn.
        let promise = loop.makePromise(of: RESPValue.self)
        proposalQueue.append(QueuedProposal(entry: entry, arguments: arguments, forwardedFrom: forwardedFrom, promise: promise))
        scheduleReady()
        return promise.futureResult
    }

    struct QueuedProposal {
        var entry: [UInt8]
        var arguments: [[UInt8]]
        var forwardedFrom: NodeID?
        var promise: EventLoopPromise<RESPValue>
    }

    /// Appends every queued write to the log at once (one AppendEntries per follower for the
    /// lot, and one fsync with the rest of the Ready). Called at the start of each Ready.
    func proposeQueued() {
        guard !proposalQueue.isEmpty else { return }
        let batch = proposalQueue
        proposalQueue = []
        do {
            var index = try raft.propose(batch: batch.map(\.entry))
            metrics.proposed(first: index, count: batch.count)
            let deadline = requestDeadline
            for p in batch {
                // UNSAFE, on purpose only (--unsafe-fault ack-before-commit): +OK before replication.
                if options.unsafeFaults.contains(.ackBeforeCommit) {
                    p.promise.succeed(.ok)
                    index = index.next
                    continue
                }
                pendingWrites[index] = PendingWrite(term: raft.term, promise: p.promise, deadline: deadline)
                index = index.next
            }
        } catch {
            for p in batch { p.promise.completeWith(proposalFailed(error, p)) }
        }
    }

    private func proposalFailed(_ error: ProposalError, _ p: QueuedProposal) -> EventLoopFuture<RESPValue> {
        switch error {
        case .notLeader(let hint):
            if p.forwardedFrom == nil, let hint, hint != options.id { return forward(p.arguments, to: hint) }
            return loop.makeSucceededFuture(Self.noLeader())
        case .transferInProgress:
            return loop.makeSucceededFuture(.error("TRYAGAIN leadership transfer in progress"))
        default:
            return loop.makeSucceededFuture(.error("TRYAGAIN \(error)"))
        }
    }

    // MARK: forwarding (follower → leader)

    /// Relays a request to the leader (batched with this loop turn's others) and answers with
    /// its reply; data commands and membership commands alike.
    func forward(_ arguments: [[UInt8]], kind: ForwardKind = .write, to leader: NodeID, deadline: NIODeadline? = nil) -> EventLoopFuture<RESPValue> {
        let id = nextForwardID
        nextForwardID += 1
        metrics.forwarded.increment()
        let promise = loop.makePromise(of: RESPValue.self)
        forwarded[id] = (promise, deadline ?? requestDeadline)
        guard transport.queueForward(ForwardRequest(requestID: id, kind: kind, args: arguments), to: leader) else {
            forwarded[id] = nil
            promise.succeed(.error("TRYAGAIN leader \(leader) is unreachable"))
            return promise.futureResult
        }
        return promise.futureResult
    }

    /// The leader answered a forwarded request.
    func forwardAnswered(id: UInt64, reply bytes: [UInt8]) {
        guard let f = forwarded.removeValue(forKey: id) else { return }
        var parser = RESPReplyParser()
        let decoded = bytes.withUnsafeBytes { raw in Result { () throws(RESPProtocolError) in try parser.parse(raw) } }
        switch decoded {
        case .success(let parsed?): f.promise.succeed(parsed.value)
        default: f.promise.succeed(.error("ERR the leader sent an unreadable reply"))
        }
    }

    // MARK: reads

    /// "Now" for reads and for preparing writes: the replicated clock or later, so a key the log
    /// has expired never reappears on a node whose wall clock lags the previous leader's.
    private func readNow() -> Int64 { max(Self.nowMillis(), machine.store.clock) }

    private func read(_ arguments: [[UInt8]]) -> EventLoopFuture<RESPValue> {
        // --unsafe-fault stale-local-reads forces the local path (UNSAFE, on purpose only).
        if options.readMode == .local || options.unsafeFaults.contains(.staleLocalReads) {
            return loop.makeSucceededFuture(machine.read(arguments, now: readNow()))
        }
        guard raft.leader != nil || raft.role == .leader else { return loop.makeSucceededFuture(Self.noLeader()) }
        let promise = loop.makePromise(of: RESPValue.self)
        readQueue.append(QueuedRead(arguments: arguments, promise: promise, deadline: requestDeadline))
        startReadRoundIfNeeded()
        return promise.futureResult
    }

    /// One ReadIndex request serves every read queued before it was sent. A new round starts
    /// when none is in flight (or the one in flight looks lost: no answer within a second).
    func startReadRoundIfNeeded() {
        guard !readQueue.isEmpty else { return }
        let now = NIODeadline.now()
        guard readRounds.values.allSatisfy({ now - $0.started > .seconds(1) }) else { return }
        let id = nextReadID
        nextReadID += 1
        readRounds[id] = (now, readQueue)
        readQueue = []
        raft.readIndex(requestID: id)
        scheduleReady()
    }

    func readIndexKnown(_ rs: ReadState) {
        guard let round = readRounds.removeValue(forKey: rs.requestID) else { return }
        readsAwaitingApply.append((rs.index, round.reads))
    }

    func readsDropped(_ ids: [UInt64]) {
        for id in ids {
            if let round = readRounds.removeValue(forKey: id) {
                failReads(round.reads, raft.leader == nil ? Self.noLeader() : .error("TRYAGAIN leadership changed during the read"))
            }
        }
    }

    func serveAppliedReads() {
        guard !readsAwaitingApply.isEmpty else { return }
        let applied = raft.appliedIndex
        let now = readNow()
        var waiting: [(index: LogIndex, reads: [QueuedRead])] = []
        for batch in readsAwaitingApply {
            guard batch.index <= applied else {
                waiting.append(batch)
                continue
            }
            for r in batch.reads { r.promise.succeed(machine.read(r.arguments, now: now)) }
        }
        readsAwaitingApply = waiting
    }

    func failReads(_ reads: [QueuedRead], _ reply: RESPValue) {
        for r in reads { r.promise.succeed(reply) }
    }

    // MARK: timeouts

    /// Never a hang: whatever waited too long is answered with a retryable error.
    func expireRequests(now: NIODeadline) {
        let timeout = RESPValue.error("TRYAGAIN request timed out (a write may still be applied)")
        for (i, w) in pendingWrites where w.deadline <= now {
            pendingWrites[i] = nil
            w.promise.succeed(timeout)
        }
        for (id, f) in forwarded where f.deadline <= now {
            forwarded[id] = nil
            f.promise.succeed(timeout)
        }
        let readTimeout = RESPValue.error("TRYAGAIN read timed out")
        let expiredQueue = readQueue.filter { $0.deadline <= now }
        if !expiredQueue.isEmpty {
            readQueue.removeAll { $0.deadline <= now }
            failReads(expiredQueue, readTimeout)
        }
        for (id, round) in readRounds where round.reads.allSatisfy({ $0.deadline <= now }) {
            readRounds[id] = nil
            failReads(round.reads, readTimeout)
        }
        readsAwaitingApply.removeAll { batch in
            guard batch.reads.allSatisfy({ $0.deadline <= now }) else { return false }
            failReads(batch.reads, readTimeout)
            return true
        }
        startReadRoundIfNeeded()
    }
}
