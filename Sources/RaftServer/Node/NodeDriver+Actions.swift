#if canImport(Glibc)
import Glibc
#endif
import KeyValueStore
import NIOCore
import RESP
import RaftCore
import RaftShell
import RaftStorage

// The performer: carries out the shell's actions in the order given, with the event loop, the
// peer transport, the I/O pool and the state machine. The only place in the node where a
// `ShellAction` becomes I/O.

extension NodeDriver {
    /// The shell's clock: monotonic milliseconds.
    static func monotonicMillis() -> UInt64 { NIODeadline.now().uptimeNanoseconds / 1_000_000 }

    /// A request the shell will answer by `token`.
    func register(_ promise: EventLoopPromise<RESPValue>, arguments: [[UInt8]], command: Command? = nil, forwardedFrom: NodeID?) -> RequestToken {
        register(arguments: arguments, command: command, forwardedFrom: forwardedFrom) { promise.succeed($0) }
    }

    /// A request the shell will answer by `token`, through `reply` (on `loop`).
    func register(arguments: [[UInt8]], command: Command? = nil, forwardedFrom: NodeID?, reply: @escaping (RESPValue) -> Void) -> RequestToken {
        let token = nextToken
        nextToken += 1
        requests[token] = ClientRequest(reply: reply, arguments: arguments, command: command, forwardedFrom: forwardedFrom)
        return token
    }

    /// Performs `actions`; a `.persist` done synchronously (no fsync, or memory) is reported to
    /// the shell at once and its continuation performed in turn.
    /// `finishedBefore` is the shell's count of finished Readies before the event that produced
    /// `actions`, so a Ready finished by the event itself is noticed too.
    func perform(_ actions: [ShellAction], finishedBefore: UInt64? = nil) {
        let before = finishedBefore ?? shell.readiesFinished
        guard !actions.isEmpty else {
            if shell.readiesFinished != before { readyFinished() }
            return
        }
        let started = Self.monotonicMillis(), startedCPU = LoopHealth.threadCPUMicros()
        var actions = actions
        while case .persistedSynchronously = perform1(actions) {
            actions = shell.persisted(now: Self.monotonicMillis())
        }
        if shell.readiesFinished != before { readyFinished() }
        noteTurn(millis: Self.monotonicMillis() - started, cpuMicros: LoopHealth.threadCPUMicros() - startedCPU)
    }

    private enum Continuation { case none, persistedSynchronously }

    private func perform1(_ actions: [ShellAction]) -> Continuation {
        var continuation = Continuation.none
        for action in actions {
            switch action {
            case .roleChanged(let ss):
                softStateChanged(ss)
            case .send(let messages):
                noteVotesGranted(messages)
                health.turnSent += messages.count
                transport.send(messages, latestSnapshot: latestSnapshot)
                transport.flush()
            case .persist(let p):
                continuation = persist(p)
            case .proposed(let first, let count):
                metrics.proposed(first: first, count: count)
            case .apply(let entries, let replyTo):
                metrics.committed(entries)
                health.turnApplied += entries.count
                apply(entries, replyTo: replyTo)
            case .readStates:
                break  // the shell serves its own rounds as .serveRead
            case .serveRead(let token, _):
                guard let r = requests.removeValue(forKey: token) else { continue }
                // The command resolved when the read arrived (a read always registers it).
                r.reply(r.command.map { machine.read($0, r.arguments, now: readNow()) } ?? machine.read(r.arguments, now: readNow()))
            case .redirect(let token, let leader):
                guard let r = requests[token] else { continue }
                if r.forwardedFrom == nil, leader != options.id {
                    perform(shell.forward(token, to: leader, now: Self.monotonicMillis()))
                } else {
                    requests[token] = nil
                    r.reply(Self.noLeader())
                }
            case .resubmit(let token, _):
                resubmit(token)
            case .forward(let token, let id, let leader):
                sendForward(token, id: id, to: leader)
            case .forwardedReply(let token, let bytes):
                requests.removeValue(forKey: token)?.reply(Self.decodeForwardedReply(bytes))
            case .refuse(let token, let why):
                requests.removeValue(forKey: token)?.reply(Self.reply(for: why))
            case .acknowledgeUnsafely(let token):
                requests.removeValue(forKey: token)?.reply(.ok)
            case .confChangeProposed(let change, let index):
                logger.info("membership: proposed \(change.kind) \(change.node) \(change.address) at index \(index)")
            case .transferEnded(let token, let target, let outcome):
                requests.removeValue(forKey: token)?.reply(Self.reply(for: outcome, target: target))
            case .sendJoinRequest(let target):
                sendJoinRequest(to: target)
            case .joined(let asVoter):
                joined(asVoter: asVoter)
            case .joinUnreached:
                warnJoinUnreached()
            case .takeSnapshot(let meta):
                takeSnapshot(meta)
            case .receiveSnapshot(let meta):
                transport.snapshots.receive(meta, from: shell.snapshotSender ?? raft.leader, delegate: self) { [transport] leader, resume in
                    transport.sendNow(.snapshotResume(resume), to: leader)
                }
            }
        }
        return continuation
    }

    /// 2-3 of the Ready order: snapshot, entries and hard state durable with one sync, off the
    /// loop when it syncs (the shell holds every later Ready meanwhile: group commit).
    private func persist(_ p: ShellPersist) -> Continuation {
        var write = PersistBatch(entries: p.entries, hardState: p.hardState, snapshot: p.snapshot, mustSync: p.mustSync)
        if let s = p.snapshot { installSnapshot(s, into: &write) }
        // UNSAFE, on purpose only (--unsafe-fault skip-fsync-on-vote): the vote is left out of what
        // is written. Merely not syncing it would show nothing, since kill -9 keeps the page cache.
        if options.unsafeFaults.contains(.skipFsyncOnVote) { write.hardState?.votedFor = nil }
        guard persistence.isDurable && options.fsync == .always && write.mustSync else {
            do { try persistence.persist(write) } catch { fatalStorage(error) }
            return .persistedSynchronously
        }
        let persistence = self.persistence
        let batch = write
        ioPool.runIfActive(eventLoop: loop) { [fsync = metrics.fsyncLatency] in try fsync.measure { try persistence.persist(batch) } }.whenComplete { [self] result in
            if case .failure(let error) = result {
                // Stopping shuts the I/O pool down, and a write still queued there is cancelled
                // (ThreadPoolInactive). Nothing was acknowledged on its strength (what follows a
                // persist is held until it completes), so a stopped node may drop it; a running
                // node that cannot persist must stop at once.
                guard !stopped else {
                    logger.warning("shutdown: a log write still queued was cut short (\(error)); nothing depended on it")
                    return
                }
                fatalStorage(error)
            }
            guard !stopped else { return }
            let before = shell.readiesFinished
            perform(shell.persisted(now: Self.monotonicMillis()), finishedBefore: before)
        }
        return .none
    }

    /// 5 of the Ready order: committed entries in log order; a write proposed here is answered
    /// with what applying it returned.
    private func apply(_ entries: [Entry], replyTo: [LogIndex: RequestToken]) {
        for e in entries {
            var reply: RESPValue = .ok
            switch e.kind {
            case .normal:
                reply = machine.apply(e.data)
            case .noop:
                break
            case .configuration:
                if let cc = try? ConfChange(decoding: e.data) {
                    logger.info("membership: \(cc.kind) \(cc.node) \(cc.address)")
                }
                refreshPeerLinks()
            }
            if let token = replyTo[e.index] { requests.removeValue(forKey: token)?.reply(reply) }
        }
        wakeBlockedClients()
    }

    /// The words clients see for each refusal (unchanged from before the shell existed).
    static func reply(for why: ShellRefusal) -> RESPValue {
        switch why {
        case .noLeader: noLeader()
        case .transferInProgress: .error("TRYAGAIN leadership transfer in progress")
        case .proposalFailed(let what): .error("TRYAGAIN \(what)")
        case .writeOverwritten: .error("TRYAGAIN leadership changed, the write was not applied")
        case .readLeadershipChanged: .error("TRYAGAIN leadership changed during the read")
        case .writeTimedOut: .error("TRYAGAIN request timed out (a write may still be applied)")
        case .leadershipLost: leaderLost()
        case .readTimedOut: .error("TRYAGAIN read timed out")
        case .shuttingDown: .error("TRYAGAIN node is shutting down")
        case .leaderUnreachable(let leader): .error("TRYAGAIN leader \(leader) is unreachable")
        case .confChangeRefused(.notLeader): .error("TRYAGAIN leadership changed before the membership change was proposed")
        case .confChangeRefused(let error), .transferRefused(let error): reply(for: error)
        }
    }
}
