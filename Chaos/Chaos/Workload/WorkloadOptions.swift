/// How hard and on what the workload's clients push.
public struct WorkloadOptions: Sendable, Hashable {
    /// Relative weights of the three workloads; each operation draws one.
    public struct Mix: Sendable, Hashable {
        /// Per-key registers: read, write (unique values), cas.
        public var register: Double
        /// Keys with set, get and del (unique values).
        public var map: Double
        /// Adds of unique elements to a few lists, read in full at the end (lost-write check).
        public var set: Double

        public init(register: Double = 0.45, map: Double = 0.35, set: Double = 0.2) {
            self.register = register
            self.map = map
            self.set = set
        }
    }

    /// Concurrent clients per node: every node gets its own, so follower forwarding and
    /// ReadIndex on followers are exercised, not only the leader.
    public var clientsPerNode: Int
    /// Bound on connecting and on each request, in seconds. Short, so a run keeps moving during
    /// faults; a request without an answer by then is recorded as info.
    public var clientTimeout: Double
    public var mix: Mix
    /// Register and map keys in use at once (each).
    public var keysAtOnce: Int
    /// Key rotation: after about this many operations per key, registers and map keys move to
    /// fresh keys, so each key's history stays small enough to check in seconds (Jepsen's
    /// independent keys). An operation left open (info) then only burdens its own key.
    public var operationsPerKey: Int
    /// Lists the set workload adds to (not rotated: the final read must see every add).
    public var setKeys: Int
    /// Pause after a connection failure before a client tries again (seconds).
    public var reconnectDelay: Double
    /// Pause between a client's operations (seconds); 0 drives as fast as the cluster answers.
    public var thinkTime: Double

    public init(
        clientsPerNode: Int = 2, clientTimeout: Double = 1.0, mix: Mix = Mix(), keysAtOnce: Int = 4,
        operationsPerKey: Int = 300, setKeys: Int = 4, reconnectDelay: Double = 0.1, thinkTime: Double = 0
    ) {
        self.clientsPerNode = clientsPerNode
        self.clientTimeout = clientTimeout
        self.mix = mix
        self.keysAtOnce = keysAtOnce
        self.operationsPerKey = operationsPerKey
        self.setKeys = setKeys
        self.reconnectDelay = reconnectDelay
        self.thinkTime = thinkTime
    }

    /// Why these options cannot drive a workload, or nil.
    public var problem: String? {
        if clientsPerNode < 1 { return "clients per node must be at least 1" }
        if !(clientTimeout > 0 && clientTimeout <= 60) { return "the client timeout must be between 0 and 60 s" }
        if keysAtOnce < 1 || setKeys < 1 { return "keys at once and set keys must be at least 1" }
        if operationsPerKey < 10 { return "operations per key must be at least 10" }
        let weights = [mix.register, mix.map, mix.set]
        if weights.contains(where: { !($0 >= 0) }) || weights.reduce(0, +) <= 0 {
            return "the workload mix needs non-negative weights, at least one positive"
        }
        if reconnectDelay < 0 || thinkTime < 0 { return "delays cannot be negative" }
        return nil
    }
}
