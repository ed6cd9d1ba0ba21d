import ArgumentParser

/// The chaos toolkit's front door. Each subcommand lives in its own file; add new ones (run,
/// replay, ...) to `subcommands`.
@main
struct RaftChaos: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "raft-chaos",
        abstract: "Torture a Raft cluster and check what its clients saw.",
        subcommands: [ScenariosCommand.self, CheckCommand.self, BenchCommand.self]
    )
}
