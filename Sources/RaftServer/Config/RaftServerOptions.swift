import RaftCore

/// Everything a node needs to start. `raft-node` builds it from its flags; an application
/// embedding the server builds it directly.
public struct RaftServerOptions: Sendable {
    public enum ReadMode: String, Sendable, CaseIterable {
        /// ReadIndex (dissertation §6.4): a read sees every write acknowledged before it began.
        case linearizable
        /// Serve from the local state machine: fast, possibly stale.
        case local
    }

    public enum FsyncPolicy: String, Sendable, CaseIterable {
        case always, never
    }

    /// This node's id (defaults to its client address, as in pyraft).
    public var id: NodeID
    /// Where clients connect (port P); peers connect to P+1.
    public var clientAddress: NodeAddress
    /// The founding members, this node included, id → client address. Empty: a one-node cluster.
    public var ensemble: [NodeID: NodeAddress]
    /// Overrides of the address dialed to reach a peer's peer port (a relay, a NAT).
    public var peerVia: [NodeID: NodeAddress]
    public var readMode: ReadMode
    public var fsync: FsyncPolicy
    /// Where the log and snapshots live; nil keeps everything in memory.
    public var dataDirectory: String?
    /// `-l FILE`: a snapshot file to start from (followed by any later log in `dataDirectory`).
    public var snapshotFile: String? = nil
    /// Snapshot files go to lagging or new members no faster than this many bytes a second
    /// (--snapshot-send-rate); nil: as fast as the connection drains.
    public var snapshotSendBytesPerSecond: Int? = nil
    /// Event-loop threads for the client and peer ports (--io-threads). The node's shell runs on
    /// one of them; connections are spread over all, and a request that arrives on another
    /// loop is handed over to the shell's and back (two thread wake-ups). One thread, like
    /// redis-server's, costs least per request while one loop can parse what arrives.
    public var ioThreads: Int = 1
    /// Take a snapshot and compact the log once this many entries were applied since the last.
    public var logMaxEntries: Int
    /// The tick of the Raft clock; the election timeout is `electionTicks` ticks (randomized up to twice that).
    /// Defaults (50 ms, 5 ticks, heartbeat every tick: a dead leader is noticed after 250-500 ms)
    /// are `RaftServerOptions.defaultTickMilliseconds` and `defaultElectionTicks`.
    public var tickMilliseconds: Int
    public var electionTicks: Int
    public var heartbeatTicks: Int
    /// A client request that got no answer within this long is answered with a retryable error.
    public var requestTimeoutMilliseconds: Int
    /// A request that arrives while this node knows no leader waits this long for an election
    /// to end before it gets CLUSTERDOWN (0: at once; never longer than the request timeout).
    /// The default covers the default election timeout's worst case (500 ms) and a vote round.
    public var leaderWaitMilliseconds: Int = 1_000
    public var randomSeed: UInt64
    /// Members to ask for admission (their client addresses): set when this node joins a running
    /// cluster instead of founding one (see NodeDriver+Membership.swift). Ignored on a restart
    /// with persisted state.
    public var join: [NodeAddress] = []
    /// The -e list behind `join`, as given (a bare IP:PORT has its address as id). When set, a
    /// fresh node first asks these members whether they run a cluster (then it joins) or are new
    /// and list each other (then they found one together): pyraft's static ensemble
    /// (NodeDriver+StaticBootstrap.swift). Empty: join straight away.
    public var joinEnsemble: [NodeID: NodeAddress] = [:]
    /// pyraft's -o: when joining, replace a member that has this node's id at another address.
    public var overwritePeer = false
    /// Operations and security (RaftServerOptions+Security.swift explains each).
    public var security = SecurityOptions()
    public var operations = OperationsOptions()
    /// Correctness bugs switched on deliberately, for proving chaos tests can fail (UnsafeFault.swift).
    /// Set only through `unsafelyEnable(_:)`, so no configuration turns one on by accident.
    public internal(set) var unsafeFaults: Set<UnsafeFault> = []

    public init(
        id: NodeID? = nil, clientAddress: NodeAddress, ensemble: [NodeID: NodeAddress] = [:],
        peerVia: [NodeID: NodeAddress] = [:], readMode: ReadMode = .linearizable, fsync: FsyncPolicy = .always,
        dataDirectory: String? = nil, logMaxEntries: Int = 100_000, tickMilliseconds: Int = RaftServerOptions.defaultTickMilliseconds,
        electionTicks: Int = RaftServerOptions.defaultElectionTicks, heartbeatTicks: Int = 1, requestTimeoutMilliseconds: Int = 5000,
        randomSeed: UInt64 = UInt64.random(in: 1...UInt64.max)
    ) {
        self.id = id ?? NodeID(clientAddress.description)
        self.clientAddress = clientAddress
        self.ensemble = ensemble
        self.peerVia = peerVia
        self.readMode = readMode
        self.fsync = fsync
        self.dataDirectory = dataDirectory
        self.logMaxEntries = logMaxEntries
        self.tickMilliseconds = tickMilliseconds
        self.electionTicks = electionTicks
        self.heartbeatTicks = heartbeatTicks
        self.requestTimeoutMilliseconds = requestTimeoutMilliseconds
        self.randomSeed = randomSeed
    }

    /// The founding configuration: the ensemble plus this node, addresses being peer ports.
    var initialConfiguration: Configuration {
        guard join.isEmpty else { return Configuration() }  // a joiner learns its configuration from the log
        var members = ensemble
        members[id] = clientAddress
        var c = Configuration(voters: Set(members.keys))
        for (k, v) in members { c.addresses[k] = v.peerAddress.description }
        return c
    }

    /// Where to dial `peer`'s peer port: --peer-via if given, else its client port + 1.
    func dialAddress(of peer: NodeID) -> NodeAddress? {
        peerVia[peer] ?? ensemble[peer]?.peerAddress
    }

    /// Parses `-e`: comma-separated `ID/IP:PORT` or bare `IP:PORT` (the id is then the address).
    public static func parseEnsemble(_ text: String) throws(NodeOptionError) -> [NodeID: NodeAddress] {
        var out: [NodeID: NodeAddress] = [:]
        for raw in text.split(separator: ",") {
            let item = raw.trimmingCharacters(in: " ")
            guard !item.isEmpty else { continue }
            let id: NodeID
            let address: NodeAddress
            if let slash = item.firstIndex(of: "/") {
                let name = String(item[..<slash])
                guard !name.isEmpty else { throw NodeOptionError("ensemble member '\(item)' has an empty id") }
                id = NodeID(name)
                address = try NodeAddress(parsing: String(item[item.index(after: slash)...]))
            } else {
                address = try NodeAddress(parsing: item)
                id = NodeID(address.description)
            }
            if let existing = out[id], existing != address {
                throw NodeOptionError("ensemble names '\(id)' twice with different addresses")
            }
            out[id] = address
        }
        return out
    }

    /// Parses one `--peer-via ID=IP:PORT`.
    public static func parsePeerVia(_ text: String) throws(NodeOptionError) -> (NodeID, NodeAddress) {
        guard let eq = text.firstIndex(of: "=") else { throw NodeOptionError("--peer-via '\(text)' is not ID=IP:PORT") }
        let name = String(text[..<eq])
        guard !name.isEmpty else { throw NodeOptionError("--peer-via '\(text)' has an empty id") }
        return (NodeID(name), try NodeAddress(parsing: String(text[text.index(after: eq)...])))
    }
}

extension Substring {
    fileprivate func trimmingCharacters(in c: Character) -> String {
        String(drop(while: { $0 == c }).reversed().drop(while: { $0 == c }).reversed())
    }
}
