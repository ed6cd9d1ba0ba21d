import ArgumentParser
import RaftServer

/// `raft-node dump-snapshot FILE`: prints a snapshot file as JSON lines.
struct DumpSnapshot: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "dump-snapshot",
        abstract: "Print a snapshot file (from --data-dir/snapshots) as JSON lines: metadata, then one line per key."
    )

    @Argument(help: "The snapshot file.")
    var file: String

    func run() throws {
        do {
            for line in try SnapshotDump.jsonLines(path: file) { print(line) }
        } catch {
            throw ValidationError("cannot read snapshot '\(file)': \(error)")
        }
    }
}
