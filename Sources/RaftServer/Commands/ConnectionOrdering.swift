import KeyValueStore
import NIOConcurrencyHelpers
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
/// Used on the connection's event loop only.
final class ConnectionOrdering: @unchecked Sendable {
    struct Submission {
        var kind: CommandKind
        var arguments: [[UInt8]]
        var promise: EventLoopPromise<RESPValue>
        /// Builds the arguments when the command's turn comes rather than when it arrives
        /// (EXEC: the fingerprints of an earlier pipelined WATCH are known only once that read
        /// is answered), or answers without reaching the node.
        var late: (() -> LateArguments)? = nil
        /// Runs with the node's reply before the next command starts (WATCH records what it saw).
        var onAnswer: ((RESPValue) -> Void)? = nil
        /// A blocking command (BLPOP...): it runs alone, and nothing of this connection starts
        /// until it is answered, as a blocked Redis client processes nothing else.
        var blocking: BlockingCommands.Spec? = nil
    }

    enum LateArguments {
        case run([[UInt8]])
        case reply(RESPValue)
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

    private let connection: UInt64

    init(loop: any EventLoop, driver: NodeDriver, connection: UInt64) {
        self.loop = loop
        self.driver = driver
        self.connection = connection
    }

    func schedule(
        _ kind: CommandKind, _ arguments: [[UInt8]],
        late: (() -> LateArguments)? = nil, onAnswer: ((RESPValue) -> Void)? = nil,
        blocking: BlockingCommands.Spec? = nil
    ) -> EventLoopFuture<RESPValue> {
        loop.assertInEventLoop()
        let submission = Submission(
            kind: kind, arguments: arguments, promise: loop.makePromise(of: RESPValue.self), late: late, onAnswer: onAnswer,
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

    private func start(_ s0: Submission) {
        var s = s0
        runningKind = s.kind
        runningExclusive = s.blocking != nil
        running += 1
        let onAnswer = s.onAnswer
        s.promise.futureResult.assumeIsolated().whenComplete { result in
            if let onAnswer, case .success(let reply) = result { onAnswer(reply) }
            self.answered()
        }
        if let late = s.late {
            switch late() {
            case .run(let arguments): s.arguments = arguments
            case .reply(let reply):
                s.promise.succeed(reply)
                return
            }
        }
        outbox.append(Outgoing(arguments: s.arguments, promise: s.promise, blocking: s.blocking, connection: connection))
        if outbox.count == 1 { loop.execute { self.sendOutbox() } }
    }

    /// What crosses to the node's loop: only Sendable parts.
    struct Outgoing: Sendable {
        var arguments: [[UInt8]]
        var promise: EventLoopPromise<RESPValue>
        var blocking: BlockingCommands.Spec?
        var connection: UInt64
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
                    if let spec = s.blocking {
                        driver.blockingCommand(s.arguments, spec: spec, connection: s.connection).cascade(to: s.promise)
                    } else {
                        driver.submit(s.arguments).cascade(to: s.promise)
                    }
                }
                return
            }
            let replies = batch.map { driver.submit($0.arguments) }
            EventLoopFuture.whenAllComplete(replies, on: driver.loop).whenSuccess { results in
                loop.execute {
                    for (s, result) in zip(batch, results) { s.promise.completeWith(result) }
                }
            }
        }
    }
}

/// The ordering state of every open client connection.
final class ConnectionOrderings: Sendable {
    private let byConnection = NIOLockedValueBox<[UInt64: ConnectionOrdering]>([:])

    func ordering(for connection: UInt64, on loop: any EventLoop, driver: NodeDriver) -> ConnectionOrdering {
        byConnection.withLockedValue { map in
            if let o = map[connection] { return o }
            let o = ConnectionOrdering(loop: loop, driver: driver, connection: connection)
            map[connection] = o
            return o
        }
    }

    func remove(_ connection: UInt64) {
        _ = byConnection.withLockedValue { $0.removeValue(forKey: connection) }
    }
}
