import ArgumentParser

/// `raft-node dump-snapshot FILE`: prints a snapshot file as JSON lines.
struct DumpSnapshot: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "dump-snapshot",
        abstract: "Print a snapshot file as JSON lines (one key per line)."
    )

    @Argument(help: "The snapshot file.")
    var file: String

    func run() throws {
        throw ValidationError("dump-snapshot needs the snapshot format of RaftStorage, which this build does not have yet")
    }
}
