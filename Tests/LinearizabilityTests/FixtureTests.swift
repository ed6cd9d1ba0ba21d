import Foundation
import Testing
import Linearizability

/// The project's own histories with their verdicts: Fixtures/histories/MANIFEST.tsv.
@Suite struct FixtureTests {
    @Test func fixtureHistoriesGetTheirRecordedVerdicts() throws {
        let root = try #require(repositoryRoot(), "repository root not found from \(#filePath)")
        let dir = root.appendingPathComponent("Fixtures/histories")
        let rows = readManifest(dir.appendingPathComponent("MANIFEST.tsv"))
        #expect(rows.count >= 5, "Fixtures/histories/MANIFEST.tsv lists too few histories")
        for row in rows {
            let file = try #require(row["file"])
            let history = try HistoryReader.read(path: dir.appendingPathComponent(file).path)
            let name = row["model"].flatMap { $0.isEmpty ? nil : $0 } ?? history.suggestedModel ?? Models.guess(for: history)
            if name == ListAppend.modelName {
                // Transactions: expected is serializable or not, anomaly the kind that must be found.
                #expect(ListAppend.validate(history: history).isEmpty, "\(file) has transactions the check cannot read")
                let result = try ListAppend.check(history: history)
                #expect(result.isSerializable == (row["expected"] == "serializable"), "\(file): \(result.kinds)")
                if let anomaly = row["anomaly"], !anomaly.isEmpty {
                    #expect(result.kinds.map(\.rawValue).contains(anomaly), "\(file): \(result.kinds)")
                }
                continue
            }
            let model = try #require(Models.named(name), "\(file): unknown model \(name)")
            #expect(validate(history: history, model: model).isEmpty, "\(file) has operations the model cannot read")
            let result = check(history: history, model: model, options: CheckOptions(timeout: 30))
            let expected: Verdict = row["expected"] == "linearizable" ? .linearizable : .notLinearizable
            #expect(result.verdict == expected, "\(file): \(result.verdict)")
            if let key = row["failing_key"], !key.isEmpty {
                #expect(result.explanation?.key == key, "\(file): failing key")
            }
        }
    }
}
