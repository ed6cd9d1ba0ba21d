import ArgumentParser
import Chaos

/// `raft-chaos scenarios`: the shipped scenarios, one line each.
struct ScenariosCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "scenarios",
        abstract: "List the scenarios `raft-chaos run --scenario NAME` knows."
    )

    @Flag(name: .shortAndLong, help: "Also print each scenario's faults and timing.")
    var verbose = false

    func run() throws {
        let all: [Scenario]
        do {
            all = try ScenarioLibrary.all()
        } catch {
            print("\(error)")
            throw ExitCode(3)
        }
        let width = all.map(\.name.count).max() ?? 0
        for s in all {
            print(s.name.padding(toLength: width + 2, withPad: " ", startingAt: 0) + s.summary)
            if verbose {
                print("    every \(s.gap.lowerBound)..\(s.gap.upperBound) s, lasting \(s.length.lowerBound)..\(s.length.upperBound) s; recover within \(s.recoverWithin) s")
                for f in s.faults { print("    \(f.weight)x \(f.fault)") }
            }
        }
        if let dir = ScenarioLibrary.directory { print("(files in \(dir.path))") }
    }
}
