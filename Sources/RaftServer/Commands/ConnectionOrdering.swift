import KeyValueStore
import NIOCore
import RESP

/// Keeps one connection's pipelined commands in Redis's order while letting them overlap.
///
/// Consecutive writes go to the node back to back, without waiting for each other: the Raft log
/// keeps their order, and the connection writes replies in request order. Consecutive reads
/// likewise. A read waits until every earlier write of this connection has been answered
/// (committed and applied), so a pipelined `SET k v; GET k` reads its own write even on a
/// follower; a write waits for the earlier reads, so `GET k; SET k v` reads the old value.
///
/// Commands whose turn has come are handed to the node's loop in one task per event-loop turn
/// (a pipeline of 16 SETs costs one cross-thread hop, and the node proposes them in one Ready),
/// and their replies come back in one task. Each command is answered by a callback, not a
/// future: a request costs no promise here (futures were a third of a SET's instructions).
/// Used on the connection's event loop only; one per connection, in its `ClientSession`.
final class ConnectionOrdering: @unchecked Sendable {
    struct Submission {
        var kind: CommandKind
        var command: ResolvedCommand
        /// Called with the reply, on the connection's loop.
        var answer: (RESPValue) -> Void
        /// Builds the command when its turn comes rather than when it arrives (EXEC: the
        /// fingerprints of an earlier pipelined WATCH are known only once that read is
        /// answered), or answers without reaching the node.
        var late: (() -> Late)? = nil
        /// Runs with the node's reply before the next command starts (WATCH records what it saw).
        var onAnswer: ((RESPValue) -> Void)? = nil
        /// A blocking command (BLPOP...) of connection `blocking.connection`: it runs alone, and
        /// nothing of this connection starts until it is answered, as a blocked Redis client
        /// processes nothing else.
        var blocking: Blocking? = nil
    }

    enum Late {
        case run(ResolvedCommand)
        case reply(RESPValue)
    }

    struct Blocking: Sendable {
        var spec: BlockingCommands.Spec
        var connection: UInt64
    }

    /// What crosses to the node's loop: only Sendable parts.
    struct Outgoing: Sendable {
        var command: ResolvedCommand
        var blocking: Blocking?
    }

    private let loop: any EventLoop
    private let driver: NodeDriver
    /// The kind of the commands now at the node, and how many are unanswered.
    private var runningKind: CommandKind? = nil
    private var running = 0
    /// The running command is a blocking one: nothing joins it.
    private var runningExclusive = false
    /// Commands that must wait for the running ones (the other kind), in request order.
    private var held = CircularBuffer<Submission>()
    /// Commands to hand to the node at the end of this loop turn, and who awaits each.
    private var outbox: [Outgoing] = []
    private var outboxWaiting: [Submission] = []

    init(loop: any EventLoop, driver: NodeDriver) {
        self.loop = loop
        self.driver = driver
    }

    /// Runs a resolved data command (`kind` is its read or write) in this connection's order;
    /// `answer` gets its reply on the connection's loop.
    func schedule(
        _ kind: CommandKind, _ command: ResolvedCommand,
        late: (() -> Late)? = nil, onAnswer: ((RESPValue) -> Void)? = nil, blocking: Blocking? = nil,
        answer: @escaping (RESPValue) -> Void
    ) {
        loop.assertInEventLoop()
        let submission = Submission(kind: kind, command: command, answer: answer, late: late, onAnswer: onAnswer, blocking: blocking)
        if held.isEmpty && canJoin(submission) {
            start(submission)
        } else {
            held.append(submission)
        }
    }

    /// `schedule` for callers that compose futures (MULTI/EXEC, WATCH, blocking pops).
    func schedule(
        _ kind: CommandKind, _ command: ResolvedCommand,
        late: (() -> Late)? = nil, onAnswer: ((RESPValue) -> Void)? = nil, blocking: Blocking? = nil
    ) -> EventLoopFuture<RESPValue> {
        let promise = loop.makePromise(of: RESPValue.self)
        schedule(kind, command, late: late, onAnswer: onAnswer, blocking: blocking) { promise.succeed($0) }
        return promise.futureResult
    }

    /// Whether `s` may start beside the commands now running.
    private func canJoin(_ s: Submission) -> Bool {
        runningKind == nil || (runningKind == s.kind && !runningExclusive && s.blocking == nil)
    }

    private func start(_ s: Submission) {
        runningKind = s.kind
        runningExclusive = s.blocking != nil
        running += 1
        var command = s.command
        if let late = s.late {
            switch late() {
            case .run(let c): command = c
            case .reply(let reply):
                finish(s, reply)
                return
            }
        }
        outbox.append(Outgoing(command: command, blocking: s.blocking))
        outboxWaiting.append(s)
        if outbox.count == 1 { loop.execute { self.sendOutbox() } }
    }

    /// `s` is answered: its own hook, its reply, then the next commands may start.
    private func finish(_ s: Submission, _ reply: RESPValue) {
        s.onAnswer?(reply)
        s.answer(reply)
        answered()
    }

    private func finish(_ s: Submission, _ result: Result<RESPValue, any Error>) {
        switch result {
        case .success(let reply): finish(s, reply)
        case .failure(let error): finish(s, .error("ERR \(error)"))
        }
    }

    private func answered() {
        running -= 1
        guard running == 0 else { return }
        runningKind = nil
        runningExclusive = false
        // Release the next run of same-kind commands.
        while let next = held.first, canJoin(next) {
            held.removeFirst()
            start(next)
        }
    }

    /// One task to the node's loop for the batch, and one back with all its replies (a batch
    /// is one run of same-kind commands, which the node answers together: the writes when
    /// their entries apply, the reads when their ReadIndex round is applied).
    private func sendOutbox() {
        let batch = outbox
        outbox = []
        // Stays on this loop; the node's loop only carries it back.
        let waiting = NIOLoopBound(outboxWaiting, eventLoop: loop)
        outboxWaiting = []
        let driver = self.driver
        let loop = self.loop
        driver.loop.execute {
            if batch.count == 1, let b = batch[0].blocking {
                driver.blockingCommand(batch[0].command, spec: b.spec, connection: b.connection).whenComplete { result in
                    loop.execute { self.finish(waiting.value[0], result) }
                }
                return
            }
            // The replies are collected on the node's loop and cross back in one task.
            let collected = BatchReplies(count: batch.count)
            for (i, s) in batch.enumerated() {
                driver.submit(s.command) { reply in
                    guard let replies = collected.set(i, reply) else { return }
                    loop.execute {
                        for (s, reply) in zip(waiting.value, replies) { self.finish(s, reply) }
                    }
                }
            }
        }
    }
}

/// The replies of one batch as the node gives them, in any order; used on the node's loop only.
private final class BatchReplies {
    private var replies: [RESPValue?]
    private var missing: Int

    init(count: Int) {
        replies = Array(repeating: nil, count: count)
        missing = count
    }

    /// Records reply `i`; returns them all, in batch order, once the last one is in.
    func set(_ i: Int, _ reply: RESPValue) -> [RESPValue]? {
        guard replies[i] == nil else { return nil }
        replies[i] = reply
        missing -= 1
        return missing == 0 ? replies.map { $0 ?? .error("ERR no reply") } : nil
    }
}
