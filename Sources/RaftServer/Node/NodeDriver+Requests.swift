import NIOCore
import RESP
import RaftCore

// Client commands that need Raft: writes are proposed on the leader (forwarded to it from a
// follower), reads are served after ReadIndex (dissertation §6.4) or locally.

extension NodeDriver {
    static func noLeader() -> RESPValue { .error("CLUSTERDOWN No leader elected yet, try again") }

    /// Runs a data command; called on `loop`. `forwardedFrom` is set when a follower relayed it:
    /// such a request is never relayed again (no forwarding loops while leadership moves).
    func submit(_ arguments: [[UInt8]], forwardedFrom: NodeID? = nil) -> EventLoopFuture<RESPValue> {
        loop.preconditionInEventLoop()
        guard !stopped else { return loop.makeSucceededFuture(.error("TRYAGAIN node is shutting down")) }
        switch machine.route(arguments) {
        case .rejected(let reply):
            return loop.makeSucceededFuture(reply)
        case .read(let spec):
            return read(spec, arguments)
        case .write(let spec):
            return write(spec, arguments, forwardedFrom: forwardedFrom)
        }
    }

    private var requestDeadline: NIODeadline { .now() + .milliseconds(Int64(options.requestTimeoutMilliseconds)) }

    private static func nowMillis() -> Int64 {
        Int64(clock_gettime_realtime_millis())
    }

    // MARK: writes

    private func write(_ spec: CommandSpec, _ arguments: [[UInt8]], forwardedFrom: NodeID?) -> EventLoopFuture<RESPValue> {
        guard raft.role == .leader else {
            guard forwardedFrom == nil else { return loop.makeSucceededFuture(.error("TRYAGAIN this node is no longer the leader")) }
            guard let leader = raft.leader, leader != options.id else { return loop.makeSucceededFuture(Self.noLeader()) }
            return forward(arguments, to: leader)
        }
        let entry: [UInt8]
        switch machine.prepare(spec, arguments, nowMillis: Self.nowMillis()) {
        case .success(let bytes): entry = bytes
        case .failure(let rejection): return loop.makeSucceededFuture(rejection.reply)
        }
        let index: LogIndex
        do {
            index = try raft.propose(entry)
        } catch {
            switch error {
            case .notLeader(let hint):
                if forwardedFrom == nil, let hint, hint != options.id { return forward(arguments, to: hint) }
                return loop.makeSucceededFuture(Self.noLeader())
            case .transferInProgress:
                return loop.makeSucceededFuture(.error("TRYAGAIN leadership transfer in progress"))
            default:
                return loop.makeSucceededFuture(.error("TRYAGAIN \(error)"))
            }
        }
        metrics.proposed(index)
        let promise = loop.makePromise(of: RESPValue.self)
        pendingWrites[index] = PendingWrite(term: raft.term, promise: promise, deadline: requestDeadline)
        scheduleReady()
        return promise.futureResult
    }

    // MARK: forwarding (follower → leader)

    private func forward(_ arguments: [[UInt8]], to leader: NodeID) -> EventLoopFuture<RESPValue> {
        let id = nextForwardID
        nextForwardID += 1
        metrics.forwarded.increment()
        let promise = loop.makePromise(of: RESPValue.self)
        forwarded[id] = (promise, requestDeadline)
        guard transport.sendForward(.forwardRequest(id: id, from: options.id, arguments: arguments), to: leader) else {
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

    private func read(_ spec: CommandSpec, _ arguments: [[UInt8]]) -> EventLoopFuture<RESPValue> {
        if options.readMode == .local {
            return loop.makeSucceededFuture(machine.read(spec, arguments, nowMillis: Self.nowMillis()))
        }
        guard raft.leader != nil || raft.role == .leader else { return loop.makeSucceededFuture(Self.noLeader()) }
        let promise = loop.makePromise(of: RESPValue.self)
        readQueue.append(QueuedRead(spec: spec, arguments: arguments, promise: promise, deadline: requestDeadline))
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
        let now = Self.nowMillis()
        var waiting: [(index: LogIndex, reads: [QueuedRead])] = []
        for batch in readsAwaitingApply {
            guard batch.index <= applied else {
                waiting.append(batch)
                continue
            }
            for r in batch.reads { r.promise.succeed(machine.read(r.spec, r.arguments, nowMillis: now)) }
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
