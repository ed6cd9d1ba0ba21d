import ArgumentParser

/// The chaos toolkit's front door. Each subcommand lives in its own file; add new ones (replay,
/// ...) to `subcommands`.
@main
struct RaftChaos: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "raft-chaos",
        abstract: "Torture a Raft cluster and check what its clients saw.",
        subcommands: [RunCommand.self, ScenariosCommand.self, CheckCommand.self, BenchCommand.self, CaptureCommand.self, ReplayCommand.self]
    )
}
