/// How the list-append workload's transactions look.
public struct ListAppendOptions: Sendable, Hashable {
    /// Concurrent clients per node (each node gets its own, so followers forward EXEC).
    public var clientsPerNode: Int
    /// Bound on connecting and on each request, in seconds.
    public var clientTimeout: Double
    /// Keys in use at once; transactions draw their keys from these, so they collide often.
    public var keysAtOnce: Int
    /// Appends a key receives before it is retired for a fresh one (Jepsen's key rotation): reads
    /// return whole lists, so an unbounded list would make every read, and the history, grow
    /// without end.
    public var appendsPerKey: Int
    /// Steps per transaction, drawn from 1 to this.
    public var maxSteps: Int
    /// Share of steps that are appends (the rest are reads).
    public var appendShare: Double
    /// Pause after a failure before a client tries again (seconds).
    public var reconnectDelay: Double
    /// Bound on the final read of every key after the heal (seconds).
    public var finalReadSeconds: Double

    public init(clientsPerNode: Int = 2, clientTimeout: Double = 1.0, keysAtOnce: Int = 4, appendsPerKey: Int = 64,
                maxSteps: Int = 4, appendShare: Double = 0.5, reconnectDelay: Double = 0.1, finalReadSeconds: Double = 20) {
        self.clientsPerNode = clientsPerNode
        self.clientTimeout = clientTimeout
        self.keysAtOnce = keysAtOnce
        self.appendsPerKey = appendsPerKey
        self.maxSteps = maxSteps
        self.appendShare = appendShare
        self.reconnectDelay = reconnectDelay
        self.finalReadSeconds = finalReadSeconds
    }

    /// Why these options cannot drive the workload, or nil.
    public var problem: String? {
        if clientsPerNode < 1 { return "clients per node must be at least 1" }
        if !(clientTimeout > 0 && clientTimeout <= 60) { return "the client timeout must be between 0 and 60 s" }
        if keysAtOnce < 1 { return "keys at once must be at least 1" }
        if appendsPerKey < 1 { return "appends per key must be at least 1" }
        if maxSteps < 1 || maxSteps > 64 { return "steps per transaction must be between 1 and 64" }
        if !(appendShare >= 0 && appendShare <= 1) { return "the append share must be between 0 and 1" }
        if reconnectDelay < 0 { return "delays cannot be negative" }
        if !(finalReadSeconds > 0 && finalReadSeconds <= 600) { return "the final read's bound must be between 0 and 600 s" }
        return nil
    }
}
