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
/// (a pipeline of 16 SETs costs one cross-thread hop, and the node proposes them in one Ready).
/// Used on the connection's event loop only; one per connection, in its `ClientSession`.
final class ConnectionOrdering: @unchecked Sendable {
    struct Submission {
        var kind: CommandKind
        var command: ResolvedCommand
        var promise: EventLoopPromise<RESPValue>
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
        var promise: EventLoopPromise<RESPValue>
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
    /// Commands to hand to the node at the end of this loop turn.
    private var outbox: [Outgoing] = []

    init(loop: any EventLoop, driver: NodeDriver) {
        self.loop = loop
        self.driver = driver
    }

    /// Runs a resolved data command (`kind` is its read or write) in this connection's order.
    func schedule(
        _ kind: CommandKind, _ command: ResolvedCommand,
        late: (() -> Late)? = nil, onAnswer: ((RESPValue) -> Void)? = nil, blocking: Blocking? = nil
    ) -> EventLoopFuture<RESPValue> {
        loop.assertInEventLoop()
        let submission = Submission(
            kind: kind, command: command, promise: loop.makePromise(of: RESPValue.self), late: late, onAnswer: onAnswer,
            blocking: blocking)
        if held.isEmpty && canJoin(submission) {
            start(submission)
        } else {
            held.append(submission)
        }
        return submission.promise.futureResult
    }

    /// Whether `s` may start beside the commands now running.
    private func canJoin(_ s: Submission) -> Bool {
        runningKind == nil || (runningKind == s.kind && !runningExclusive && s.blocking == nil)
    }

    private func start(_ s: Submission) {
        runningKind = s.kind
        runningExclusive = s.blocking != nil
        running += 1
        let onAnswer = s.onAnswer
        s.promise.futureResult.assumeIsolated().whenComplete { result in
            if let onAnswer, case .success(let reply) = result { onAnswer(reply) }
            self.answered()
        }
        var command = s.command
        if let late = s.late {
            switch late() {
            case .run(let c): command = c
            case .reply(let reply):
                s.promise.succeed(reply)
                return
            }
        }
        outbox.append(Outgoing(command: command, promise: s.promise, blocking: s.blocking))
        if outbox.count == 1 { loop.execute { self.sendOutbox() } }
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
        let driver = self.driver
        let loop = self.loop
        driver.loop.execute {
            guard batch.count > 1 else {
                for s in batch {
                    if let b = s.blocking {
                        driver.blockingCommand(s.command, spec: b.spec, connection: b.connection).cascade(to: s.promise)
                    } else {
                        driver.submit(s.command).cascade(to: s.promise)
                    }
                }
                return
            }
            let replies = batch.map { driver.submit($0.command) }
            EventLoopFuture.whenAllComplete(replies, on: driver.loop).whenSuccess { results in
                loop.execute {
                    for (s, result) in zip(batch, results) { s.promise.completeWith(result) }
                }
            }
        }
    }
}
