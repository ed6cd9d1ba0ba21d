import ArgumentParser
import Chaos
import Foundation
import Linearizability

/// `raft-chaos check FILE|RUN-DIR...`: one verdict line per file (a run directory stands for its
/// history.jsonl), an explanation under each violation,
/// and a summary. Exit 0 all linearizable, 1 some not linearizable, 2 some unknown (a budget ran
/// out) and none proven not linearizable, 3 some file unreadable (which outranks the rest).
struct CheckCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "check",
        abstract: "Check histories for linearizability (or, for list-append transactions, serializability).",
        discussion: """
            Which check runs is detected per file: a history whose operations are all transactions (f: txn, \
            [[append k e] [r k list]] steps; Jepsen's :txn likewise) or whose header names the list-append model \
            gets Elle's list-append check and is reported serializable or not serializable, naming each anomaly \
            (G0, G1a, G1b, G1c, G-single, G2, internal, incompatible-order, ...) with the transactions of its \
            cycle, and fails too when a final read (one called after every acknowledged append had returned) \
            lacks an acknowledged append; with --realtime, real-time order counts as well (strict \
            serializability: the -realtime anomalies). Every other history is checked for linearizability against its model. --model list-append \
            forces the transactional check, any other --model the linearizability check. --html and --verbose \
            concern the linearizability check. Exit status: 0 every file linearizable (or serializable), 1 some \
            file not, 2 some unknown and none proven wrong, 3 some file unreadable.
            """
    )

    @OptionGroup var history: HistoryOptions

    @Option(help: "Write a self-contained HTML page explaining a violation (one page per failing file).")
    var html: String?

    @Flag(name: .shortAndLong, help: "Print per-partition figures.")
    var verbose = false

    @Flag(help: "List-append histories: check strict serializability (a transaction that completed before another began comes first, as Elle's :strict-serializable).")
    var realtime = false

    @Argument(help: "History files, or run directories (their history.jsonl is checked).")
    var files: [String]

    func validate() throws {
        try history.validateOptions()
        if files.isEmpty { throw ValidationError("give at least one history file") }
    }

    func run() throws {
        var counts = (ok: 0, bad: 0, unknown: 0, unreadable: 0)
        // Transactional files, counted apart so the summary says serializable, not linearizable.
        var transactional = (checked: 0, ok: 0, bad: 0)
        var htmlWritten = 0
        for file in files.map(Self.historyPath) {
            let h: History
            switch readHistoryFile(file, format: history.parsedFormat) {
            case .failure(let error):
                counts.unreadable += 1
                print("\(file): unreadable: \(error)")
                continue
            case .success(let read): h = read
            }
            let modelName = history.modelName(for: h)
            if Models.transactionalNames.contains(modelName) {
                switch checkTransactions(h, realtime: realtime) {
                case .failure(let error):
                    counts.unreadable += 1
                    print("\(file): unreadable: \(error)")
                case .success(let result):
                    transactional.checked += 1
                    if result.passed { transactional.ok += 1 } else { transactional.bad += 1 }
                    let edges = DependencyKind.allCases.filter { $0 != .rt || realtime }
                        .map { "\(result.dependencyCounts[$0] ?? 0) \($0.rawValue)" }.joined(separator: ", ")
                    print("\(file): \(result.words) (\(modelName), \(result.transactionCount) transactions, \(result.abortedCount) aborted, dependencies \(edges), \(formatSeconds(result.elapsedSeconds)))")
                    if result.passed { counts.ok += 1 } else {
                        counts.bad += 1
                        print(result.text.split(separator: "\n").map { "  " + $0 }.joined(separator: "\n"))
                    }
                }
                continue
            }
            let outcome = checkHistory(h, modelName: modelName, options: history.checkOptions)
            switch outcome {
            case .failure(let error):
                counts.unreadable += 1
                print("\(file): unreadable: \(error)")
            case .success(let (h, modelName, result)):
                let partitions = result.partitions.count
                print("\(file): \(result.verdict) (\(modelName), \(result.operationCount) ops, \(partitions) partition\(partitions == 1 ? "" : "s"), \(formatSeconds(result.elapsedSeconds)))")
                switch result.verdict {
                case .linearizable: counts.ok += 1
                case .notLinearizable: counts.bad += 1
                case .unknown: counts.unknown += 1
                }
                if let explanation = result.explanation {
                    print(explanation.text.split(separator: "\n").map { "  " + $0 }.joined(separator: "\n"))
                    if let html {
                        let path = files.count == 1 ? html : htmlPath(html, for: file)
                        let page = HTMLReport.render(history: h, result: result, title: file)
                        do {
                            try page.write(toFile: path, atomically: true, encoding: .utf8)
                            print("  report: \(path)")
                            htmlWritten += 1
                        } catch {
                            print("  cannot write \(path): \(error)")
                        }
                    }
                }
                if verbose {
                    for p in result.partitions {
                        let state = p.linearizable.map { $0 ? "ok" : "illegal" } ?? "undecided"
                        print("  key \(p.key.isEmpty ? "-" : p.key): \(state), \(p.operationCount) ops, \(p.steps) steps, \(p.memoEntries) memo entries, \(p.states) states")
                    }
                }
            }
        }
        var tally: [String] = []
        if transactional.checked < counts.ok + counts.bad || transactional.checked == 0 {
            tally += ["\(counts.ok - transactional.ok) linearizable", "\(counts.bad - transactional.bad) not linearizable"]
        }
        if transactional.checked > 0 {
            let property = realtime ? "strict serializable" : "serializable"
            tally += ["\(transactional.ok) \(property)", "\(transactional.bad) not \(property)"]
        }
        tally += ["\(counts.unknown) unknown", "\(counts.unreadable) unreadable"]
        print("\(files.count) file\(files.count == 1 ? "" : "s"): " + tally.joined(separator: ", "))
        if counts.unreadable > 0 { throw ExitCode(3) }
        if counts.bad > 0 { throw ExitCode(1) }
        if counts.unknown > 0 { throw ExitCode(2) }
    }

    /// A run directory's history file; any other path as given.
    static func historyPath(_ path: String) -> String {
        var isDirectory: ObjCBool = false
        guard FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory), isDirectory.boolValue else { return path }
        return RunLayout(root: URL(fileURLWithPath: path)).history.path
    }

    private func htmlPath(_ base: String, for file: String) -> String {
        let name = (file as NSString).lastPathComponent
        let stem = base.hasSuffix(".html") ? String(base.dropLast(5)) : base
        return "\(stem)-\(name).html"
    }
}
