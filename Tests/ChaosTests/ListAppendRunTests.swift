import Foundation
import Linearizability
import Testing
@testable import Chaos

/// `raft-chaos run --workload list-append` against real nodes: MULTI/EXEC transactions under
/// partitions must come out strict serializable with every acknowledged append in the final read,
/// and the same history with one read altered must not.
@Suite(.serialized) struct ListAppendRunTests {
    static let partitions = """
        describe The leader isolated, then halves, again and again.
        settle 1s
        gap 0.5s..1s
        length 1s..2s
        recover 15s
        fault partition leader
        fault partition halves
        """

    @Test(.enabled(if: NodeBinary.exists, "raft-node is not built (swift build --build-tests builds it)"))
    func transactionsUnderPartitionsAreSerializableAndOneAlteredReadIsCaught() async throws {
        let scenario = try ScenarioParser.parse(Self.partitions, name: "partitions-short", file: "ListAppendRunTests")
        let options = RunOptions(
            nodes: 3, duration: 7, seed: 31, scenario: scenario, scenarioFile: nil, outRoot: NodeBinary.scratch("list-append"),
            nodeBinary: NodeBinary.url, extraNodeArguments: ["--fsync", "never"], commandLine: ["test"], checkBudget: 30)
        // Bounded by the run itself: 7 s of faults, recovery within 15 s (the scenario's), a start
        // within 30 s; about 12 s on a quiet machine.
        let run = try ChaosRun(options: options, parts: .forWorkload(.listAppend)) { _ in }
        let verdict = await run.run()
        #expect(verdict.outcome == .passed, "\(verdict.summary)\n\((try? String(contentsOf: run.layout.harnessLog, encoding: .utf8)) ?? "")")
        #expect(verdict.serializability == "strict serializable" && verdict.linearizability == nil)
        #expect(verdict.summary.hasPrefix("PASSED: strict serializable, no acknowledged write lost"), "\(verdict.summary)")
        #expect(verdict.ok > 20, "too few transactions committed: \(verdict.ok)")
        #expect(try String(contentsOf: run.layout.verdictText, encoding: .utf8).contains("serializability (list-append): strict serializable"))
        #expect(try String(contentsOf: run.layout.report, encoding: .utf8).contains("serializability (list-append transactions)"))

        // The history reads as list-append transactions, and some read saw several appends.
        let lines = try String(contentsOf: run.layout.history, encoding: .utf8).split(separator: "\n").map(String.init)
        #expect(lines.first?.contains("\"model\":\"list-append\"") == true)
        // The run ended with a final read of every key: each key's last transaction reads it alone.
        let harness = try String(contentsOf: run.layout.harnessLog, encoding: .utf8)
        #expect(harness.contains("keys read after the heal, every acknowledged append in its key's final read"), "\(harness)")
        let altered = try #require(Self.alterOneRead(lines), "no committed read of two or more elements on a key read twice")

        // A final read that lacks an acknowledged append names it as lost.
        let (planted, element) = try #require(Self.dropFromLastFinalRead(lines), "no final read with elements")
        let lostCopy = run.layout.root.appendingPathComponent("lost-append-history.jsonl")
        try planted.joined(separator: "\n").appending("\n").write(to: lostCopy, atomically: true, encoding: .utf8)
        let lost = try ListAppendFinalRead.lostAppends(historyURL: lostCopy).get()
        #expect(lost.map(\.element) == [.int(Int64(element))], "\(lost.map(\.description))")

        let copy = run.layout.root.appendingPathComponent("altered-history.jsonl")
        try altered.joined(separator: "\n").appending("\n").write(to: copy, atomically: true, encoding: .utf8)
        let check = try RunParts.listAppend.checkHistory(copy, 30)
        #expect(check.outcome == .notLinearizable && check.words == "not strict serializable")
        #expect(check.anomalies.contains("incompatible-order"), "\(check.anomalies)")
        #expect(check.explanation?.contains("incompatible-order") == true)
    }

    /// The last final read (a lone read, the run's last transactions) whose list ends with an
    /// acknowledged append: its line, with that element dropped, plants a lost append.
    static func dropFromLastFinalRead(_ lines: [String]) -> (lines: [String], element: Int)? {
        var acknowledged = Set<Int>()
        for line in lines {
            guard let o = try? JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: Any],
                o["type"] as? String == "ok", let steps = o["value"] as? [[Any]] else { continue }
            for s in steps where s[0] as? String == "append" { if let e = s[2] as? Int { acknowledged.insert(e) } }
        }
        for i in lines.indices.reversed() {
            guard let o = try? JSONSerialization.jsonObject(with: Data(lines[i].utf8)) as? [String: Any],
                o["type"] as? String == "ok", var steps = o["value"] as? [[Any]], steps.count == 1,
                steps[0][0] as? String == "r", let els = steps[0][2] as? [Int], let last = els.last,
                acknowledged.contains(last) else { continue }
            steps[0][2] = Array(els.dropLast())
            var changed = o
            changed["value"] = steps
            guard let data = try? JSONSerialization.data(withJSONObject: changed) else { return nil }
            var result = lines
            result[i] = String(decoding: data, as: UTF8.self)
            return (result, last)
        }
        return nil
    }

    /// Drops the first element of one committed read of a key that another transaction's
    /// committed read saw non-empty: the two can no longer be prefixes of one order of appends.
    static func alterOneRead(_ lines: [String]) -> [String]? {
        var readsPerKey: [String: Int] = [:]
        var parsed: [(index: Int, object: [String: Any])] = []
        for (i, line) in lines.enumerated() {
            guard let o = try? JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: Any],
                o["type"] as? String == "ok", o["f"] as? String == "txn", let steps = o["value"] as? [[Any]] else { continue }
            parsed.append((i, o))
            // Counted once per transaction: the other read must be another transaction's.
            var keys = Set<String>()
            for s in steps where s.count == 3 && s[0] as? String == "r" && !((s[2] as? [Any])?.isEmpty ?? true) {
                keys.insert(s[1] as? String ?? "")
            }
            for key in keys { readsPerKey[key, default: 0] += 1 }
        }
        for (i, o) in parsed {
            var steps = o["value"] as! [[Any]]
            for (k, s) in steps.enumerated() where s[0] as? String == "r" {
                guard let key = s[1] as? String, let els = s[2] as? [Any], els.count >= 2, readsPerKey[key, default: 0] >= 2 else { continue }
                steps[k] = ["r", key, Array(els.dropFirst())]
                var changed = o
                changed["value"] = steps
                guard let data = try? JSONSerialization.data(withJSONObject: changed) else { return nil }
                var result = lines
                result[i] = String(decoding: data, as: UTF8.self)
                return result
            }
        }
        return nil
    }
}
