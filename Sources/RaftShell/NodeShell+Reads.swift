// Linearizable reads (dissertation §6.4): one ReadIndex round serves every read queued before
// it; a read is served once the applied index reaches the round's index.
import RaftCore

extension NodeShell {
    /// Queues a read for the next ReadIndex round; while no leader is known it waits for one
    /// first, up to `config.leaderWait` (NodeShell+LeaderWait.swift).
    public mutating func read(token: RequestToken, now: UInt64) -> [ShellAction] {
        guard !stopped else { return [.refuse(token, .shuttingDown)] }
        guard core.leader != nil || core.role == .leader else { return awaitLeaderForRead(token, now: now) }
        readQueue.append(QueuedRead(token: token, deadline: now + config.requestTimeout))
        // An idle node starts the round at once; with rounds out, the reads of this loop turn
        // wait for its Ready (`ready(now:)`) and go out together in one more round.
        if readRounds.isEmpty { startReadRoundIfNeeded(now: now) }
        return []
    }

    /// A new round starts for every queued read while fewer than `config.readRoundsInFlight`
    /// rounds are out (rounds that look lost do not count).
    mutating func startReadRoundIfNeeded(now: UInt64) {
        guard !readQueue.isEmpty else { return }
        // Rounds older than readRoundRetry look lost and do not count.
        let live = readRounds.values.reduce(0) { $0 + (now &- $1.started > config.readRoundRetry ? 0 : 1) }
        guard live < max(1, config.readRoundsInFlight) else { return }
        let id = nextReadID
        nextReadID += 1
        readRounds[id] = ReadRound(started: now, reads: readQueue)
        readQueue = []
        core.readIndex(requestID: id)
    }

    mutating func readIndexKnown(_ rs: ReadState) {
        guard let round = readRounds.removeValue(forKey: rs.requestID) else { return }
        readsAwaitingApply.append((rs.index, round.reads))
    }

    mutating func readsDropped(_ ids: [UInt64], into actions: inout [ShellAction]) {
        for id in ids {
            guard let round = readRounds.removeValue(forKey: id) else { continue }
            let why: ShellRefusal = core.leader == nil ? .noLeader : .readLeadershipChanged
            for r in round.reads { actions.append(.refuse(r.token, why)) }
        }
    }

    mutating func serveAppliedReads(into actions: inout [ShellAction]) {
        guard !readsAwaitingApply.isEmpty else { return }
        let applied = stateMachineIndex  // the apply actions handed out before this one included
        // UNSAFE, on purpose only: serve without waiting for the apply.
        let early = config.unsafeFaults.contains(.serveReadBeforeApplied)
        var waiting: [(index: LogIndex, reads: [QueuedRead])] = []
        for batch in readsAwaitingApply {
            guard early || batch.index <= applied else {
                waiting.append(batch)
                continue
            }
            for r in batch.reads { actions.append(.serveRead(r.token, readIndex: batch.index)) }
        }
        readsAwaitingApply = waiting
    }
}
