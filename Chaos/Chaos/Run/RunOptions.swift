import Foundation

/// Everything `raft-chaos run` was asked for.
public struct RunOptions: Sendable {
    public var nodes: Int
    /// Seconds of faults (and workload); the heal, recovery and checks come after.
    public var duration: Double
    public var seed: UInt64
    public var scenario: Scenario
    public var scenarioFile: String?
    /// Runs go in `<outRoot>/<timestamp>/`, with `<outRoot>/latest` pointing at the newest.
    public var outRoot: URL
    public var nodeBinary: URL
    public var extraNodeArguments: [String]
    public var commandLine: [String]
    /// Seconds the linearizability check may take before the verdict is "unknown".
    public var checkBudget: Double

    public init(nodes: Int, duration: Double, seed: UInt64, scenario: Scenario, scenarioFile: String?, outRoot: URL,
                nodeBinary: URL, extraNodeArguments: [String] = [], commandLine: [String], checkBudget: Double = 120) {
        self.nodes = nodes
        self.duration = duration
        self.seed = seed
        self.scenario = scenario
        self.scenarioFile = scenarioFile
        self.outRoot = outRoot
        self.nodeBinary = nodeBinary
        self.extraNodeArguments = extraNodeArguments
        self.commandLine = commandLine
        self.checkBudget = checkBudget
    }
}
