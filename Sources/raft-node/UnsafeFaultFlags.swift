import ArgumentParser
import RaftServer

/// `--unsafe-fault NAME` (repeatable): correctness bugs switched on deliberately so that a chaos
/// setup can prove it catches them. Hidden from `--help` on purpose; `raft-node help
/// unsafe-faults` lists them (UnsafeFault.swift in RaftServer holds the names and what each does).
struct UnsafeFaultFlags: ParsableArguments {
    @Option(name: .customLong("unsafe-fault"), help: ArgumentHelp("Break correctness on purpose (see `raft-node help unsafe-faults`).", valueName: "NAME", visibility: .private))
    var names: [String] = []

    /// Refuses anything but a known name spelled out in full.
    func apply(to options: inout RaftServerOptions) throws(NodeOptionError) {
        for name in names { options.unsafelyEnable(try UnsafeFault(named: name)) }
    }

    /// One loud line per fault, so nobody mistakes a sabotaged node's log for a real one's.
    static func warnings(_ faults: Set<UnsafeFault>) -> [String] {
        faults.sorted { $0.rawValue < $1.rawValue }.map {
            "UNSAFE FAULT '\($0.rawValue)' IS ON: \($0.summary). This node is broken on purpose; never use it for real data."
        }
    }
}

/// `raft-node help unsafe-faults` (and `raft-node unsafe-faults`): one line per switch. Not shown
/// in the command list of `--help`.
struct UnsafeFaultsHelp: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "unsafe-faults",
        abstract: "Switches that break correctness on purpose, for proving a chaos setup can fail.",
        discussion: """
            Turn one on with --unsafe-fault NAME (repeatable; the name must be spelled out in full):
            \(listing)
            """,
        shouldDisplay: false
    )

    static var listing: String {
        UnsafeFault.allCases.map { "  \($0.rawValue): \($0.summary)" }.joined(separator: "\n")
    }

    func run() throws { Self.printListing() }

    static func printListing() {
        print("Switches that break correctness on purpose (--unsafe-fault NAME, repeatable, full names only):")
        print(listing)
    }
}
