import Foundation
import Testing
import Linearizability

/// Every file of ../shared/corpus/porcupine must get the verdict its MANIFEST.tsv gives.
/// The corpus lives next to the repository (CI has it); without it the test says it skipped.
@Suite struct CorpusTests {
    static var corpus: URL? {
        guard let root = repositoryRoot() else { return nil }
        let dir = root.deletingLastPathComponent().appendingPathComponent("shared/corpus/porcupine")
        return FileManager.default.fileExists(atPath: dir.appendingPathComponent("MANIFEST.tsv").path) ? dir : nil
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
            print("CorpusTests: SKIPPED, no corpus at ../shared/corpus/porcupine next to the repository")
            return
        }
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
