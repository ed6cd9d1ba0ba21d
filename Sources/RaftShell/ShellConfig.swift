// The shell's settings, in milliseconds of the performer's monotonic clock.

public struct ShellConfig: Sendable {
    /// A request unanswered this long gets a retryable refusal (never a hang).
    public var requestTimeout: UInt64 = 5_000
    /// A ReadIndex round unanswered this long looks lost: the next round may start beside it.
    public var readRoundRetry: UInt64 = 1_000
    /// ReadIndex rounds that may be out at once. Reads that arrive while a round is out start
    /// the next one at once (up to this many) instead of waiting for it to come back, which
    /// cost them up to one more round trip; each round is one heartbeat to every follower.
    public var readRoundsInFlight: Int = 4
    /// A request that arrives while no leader is known waits this long for an election to end
    /// before it is refused as `.noLeader` (0: refused at once). Default: the NIO node's worst
    /// election timeout (500 ms) plus a margin for the vote round.
    public var leaderWait: UInt64 = 1_000
    /// Bugs planted on purpose, to prove that checkers catch them. Empty in production.
    public var unsafeFaults: ShellUnsafeFaults = []
    /// --log-max: once this many writes were applied since the last snapshot, the shell asks for
    /// a new one (`.takeSnapshot`), after which the core compacts its log.
    public var logMaxEntries: Int = .max
    public init(requestTimeout: UInt64 = 5_000, readRoundRetry: UInt64 = 1_000, leaderWait: UInt64 = 1_000, unsafeFaults: ShellUnsafeFaults = [], logMaxEntries: Int = .max) {
        self.requestTimeout = requestTimeout
        self.leaderWait = leaderWait
        self.readRoundRetry = readRoundRetry
        self.unsafeFaults = unsafeFaults
        self.logMaxEntries = logMaxEntries
    }
}

/// Shell-level planted bugs (the core's are `PlantedFaults`). UNSAFE: for tests and chaos only.
public struct ShellUnsafeFaults: OptionSet, Sendable {
    public let rawValue: UInt8
    public init(rawValue: UInt8) { self.rawValue = rawValue }
    /// Acknowledge a write as soon as it is proposed, before it is replicated or applied.
    public static let ackBeforeCommit = ShellUnsafeFaults(rawValue: 1 << 0)
    /// Snapshot at the core's handed-out index, which runs ahead of the state machine while a
    /// Ready is being made durable: the snapshot's metadata claims writes its state lacks (the
    /// bug the NIO node had until its snapshots were taken through the shell).
    public static let snapshotAheadOfState = ShellUnsafeFaults(rawValue: 1 << 1)
    /// Answer a write relayed to the leader OK as soon as it is sent, before the leader replied.
    public static let ackForwardBeforeReply = ShellUnsafeFaults(rawValue: 1 << 2)
    /// Serve a read as soon as its read index is known, before the state machine has applied
    /// up to it: the read may miss writes that completed before it began.
    public static let serveReadBeforeApplied = ShellUnsafeFaults(rawValue: 1 << 3)
}
