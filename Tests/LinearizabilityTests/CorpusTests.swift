import Foundation
import Testing
import Linearizability

/// Every file of ../shared/corpus/porcupine must get the verdict its MANIFEST.tsv gives.
/// The corpus lives next to the repository (CI has it); without it the test says it skipped.
@Suite struct CorpusTests {
    /// ../shared/corpus/porcupine from the repository root (CI); a git worktree one level deeper
    /// finds it further up, so every ancestor's shared/ is tried, nearest first.
    static var corpus: URL? {
        if let env = ProcessInfo.processInfo.environment["RAFT_CORPUS_DIR"] {
            return URL(fileURLWithPath: env).appendingPathComponent("porcupine")
        }
        guard var dir = repositoryRoot()?.deletingLastPathComponent() else { return nil }
        while true {
            let candidate = dir.appendingPathComponent("shared/corpus/porcupine")
            if FileManager.default.fileExists(atPath: candidate.appendingPathComponent("MANIFEST.tsv").path) {
                return candidate
            }
            if dir.path == "/" { return nil }
            dir = dir.deletingLastPathComponent()
        }
    }

    #if DEBUG
    /// Debug builds are some 20 times slower; a file that runs out of this budget is reported as
    /// not decided here (the release `make bench-checker` checks them all).
    static let budget: Double = 10
    #else
    static let budget: Double = 120
    #endif

    @Test func porcupineCorpusVerdictsMatchTheManifest() throws {
        guard let dir = Self.corpus else {
            print("CorpusTests: SKIPPED, no corpus at ../shared/corpus/porcupine next to the repository (or set RAFT_CORPUS_DIR)")
            return
        }
        print("CorpusTests: checking \(dir.path)")
        let rows = readManifest(dir.appendingPathComponent("MANIFEST.tsv"))
        #expect(rows.count == 109)
        var undecided: [String] = []
        for row in rows {
            let file = try #require(row["file"])
            let format: HistoryFormat = row["format"] == "jepsen-etcd" ? .porcupineEtcd : .edn
            let history = try HistoryReader.read(path: dir.appendingPathComponent(file).path, format: format)
            let model = try #require(Models.named(row["model"] ?? ""), "unknown model for \(file)")
            let result = check(history: history, model: model, options: CheckOptions(timeout: Self.budget))
            switch result.verdict {
            case .linearizable: #expect(row["expected"] == "linearizable", "\(file): checker says linearizable")
            case .notLinearizable: #expect(row["expected"] == "not", "\(file): checker says not linearizable")
            case .unknown: undecided.append(file)
            }
        }
        if !undecided.isEmpty { print("CorpusTests: not decided within \(Self.budget) s: \(undecided)") }
        #expect(undecided.count <= 2, "too many files undecided: \(undecided)")
    }
}
