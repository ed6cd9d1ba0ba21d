import Foundation

/// `run.json`: what was run, so a person (or `raft-chaos check DIR`, or a rerun) knows exactly:
/// the scenario and seed, the command line as typed, every node's ports, the relay's port per
/// directed link, the node binary, and when it started.
public struct RunManifest: Codable, Sendable, Hashable {
    public struct Node: Codable, Sendable, Hashable {
        public var id: String
        public var clientPort: Int
        public var peerPort: Int
        public init(id: String, clientPort: Int, peerPort: Int) {
            self.id = id
            self.clientPort = clientPort
            self.peerPort = peerPort
        }
    }

    public struct RelayPort: Codable, Sendable, Hashable {
        public var from: String
        public var to: String
        public var port: Int
        public init(from: String, to: String, port: Int) {
            self.from = from
            self.to = to
            self.port = port
        }
    }

    public var scenario: String
    /// The scenario file that was read.
    public var scenarioFile: String?
    public var seed: UInt64
    /// Seconds of faults asked for (`--duration`).
    public var duration: Double
    /// argv as given, first element included.
    public var commandLine: [String]
    public var nodes: [Node]
    public var relayPorts: [RelayPort]
    public var nodeBinary: String
    public var extraNodeArguments: [String]
    /// Wall clock, ISO 8601, for people.
    public var startedAt: String
    /// `MonotonicClock` at the start: history, faults and cluster times are on this clock.
    public var startedMonotonic: UInt64
    /// The drawn schedule, one line per fault ("at 3.2s for 4.1s: kill leader").
    public var schedule: [String]

    public init(scenario: String, scenarioFile: String?, seed: UInt64, duration: Double, commandLine: [String], nodes: [Node],
                relayPorts: [RelayPort], nodeBinary: String, extraNodeArguments: [String], startedAt: String,
                startedMonotonic: UInt64, schedule: [String]) {
        self.scenario = scenario
        self.scenarioFile = scenarioFile
        self.seed = seed
        self.duration = duration
        self.commandLine = commandLine
        self.nodes = nodes
        self.relayPorts = relayPorts
        self.nodeBinary = nodeBinary
        self.extraNodeArguments = extraNodeArguments
        self.startedAt = startedAt
        self.startedMonotonic = startedMonotonic
        self.schedule = schedule
    }

    public func write(to url: URL) throws {
        let e = JSONEncoder()
        e.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
        try e.encode(self).write(to: url)
    }

    public static func read(from url: URL) throws -> RunManifest {
        try JSONDecoder().decode(RunManifest.self, from: Data(contentsOf: url))
    }
}
