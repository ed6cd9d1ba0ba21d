import Testing
import Linearizability

/// Elle-style list-append checking: each anomaly planted by hand is found and named, with the
/// transactions that form it; correct executions pass.
@Suite struct ListAppendTests {
    func kinds(_ h: History) throws -> [TransactionAnomaly.Kind] {
        try ListAppend.check(history: h).kinds
    }

    @Test func aSerialExecutionIsSerializable() throws {
        let h = transactions([
            txn(1, [append("x", 1), read("y", [])], 0, 1),
            txn(2, [read("x", [1]), append("y", 1)], 2, 3),
            txn(3, [read("x", [1]), read("y", [1]), append("x", 2)], 4, 5),
        ])
        let result = try ListAppend.check(history: h)
        #expect(result.isSerializable, "\(result.text)")
        #expect(result.dependencyCounts[.wr] == 3)
    }

    @Test func writeCyclesAreG0() throws {
        // x's order says T1 then T2, y's says T2 then T1.
        let h = transactions([
            txn(1, [append("x", 1), append("y", 1)], 0, 10),
            txn(2, [append("x", 2), append("y", 2)], 0, 10),
            txn(3, [read("x", [1, 2]), read("y", [2, 1])], 11, 12),
        ])
        let result = try ListAppend.check(history: h)
        #expect(result.kinds == [.g0])
        let g0 = try #require(result.anomalies.first)
        #expect(Set(g0.transactions.map(\.operation.id)) == [0, 1])
        #expect(g0.explanation.contains("a contradiction!"))
        #expect(g0.explanation.contains("T1 < T2, because T1 appended"))
    }

    @Test func readingAnAbortedAppendIsG1a() throws {
        let h = transactions(
            [txn(1, [read("x", [1])], 5, 6)],
            aborted: [txn(2, [append("x", 1)], 0, 4)])
        let result = try ListAppend.check(history: h)
        #expect(result.kinds == [.g1a])
        #expect(result.anomalies[0].explanation.contains("aborted"))
    }

    @Test func readingHalfATransactionIsG1b() throws {
        let h = transactions([
            txn(1, [append("x", 1), append("x", 2)], 0, 10),
            txn(2, [read("x", [1])], 0, 10),
        ])
        #expect(try kinds(h) == [.g1b])
    }

    @Test func circularInformationFlowIsG1c() throws {
        // Each saw the other's append.
        let h = transactions([
            txn(1, [append("x", 1), read("y", [1])], 0, 10),
            txn(2, [append("y", 1), read("x", [1])], 0, 10),
        ])
        let result = try ListAppend.check(history: h)
        #expect(result.kinds == [.g1c])
        #expect(result.anomalies[0].explanation.contains("observed"))
    }

    @Test func readSkewIsGSingle() throws {
        // T2 saw T1's append to y but not its append to x.
        let h = transactions([
            txn(1, [append("x", 1), append("y", 1)], 0, 10),
            txn(2, [read("x", []), read("y", [1])], 0, 10),
            txn(3, [read("x", [1])], 11, 12),
        ])
        let result = try ListAppend.check(history: h)
        #expect(result.kinds == [.gSingle])
        let cycle = try #require(result.anomalies.first)
        #expect(Set(cycle.transactions.map(\.operation.id)) == [0, 1])
        #expect(cycle.explanation.contains("did not observe"))
    }

    @Test func writeSkewIsG2() throws {
        // Each read the other's key empty, then appended to its own.
        let h = transactions([
            txn(1, [read("x", []), append("y", 1)], 0, 10),
            txn(2, [read("y", []), append("x", 1)], 0, 10),
            txn(3, [read("x", [1]), read("y", [1])], 11, 12),
        ])
        let result = try ListAppend.check(history: h)
        #expect(result.kinds == [.g2])
        #expect(result.anomalies[0].transactions.count == 2)
    }

    @Test func singleReadAnomaliesAreNamed() throws {
        #expect(try kinds(transactions([txn(1, [append("x", 1), read("x", [])], 0, 1)])) == [.internalInconsistency])
        #expect(try kinds(transactions([txn(1, [read("x", [7])], 0, 1)])) == [.garbageRead])
        #expect(try kinds(transactions([
            txn(1, [append("x", 1)], 0, 1), txn(2, [append("x", 2)], 0, 1),
            txn(3, [read("x", [1, 2])], 2, 3), txn(4, [read("x", [2, 1])], 2, 3),
        ])).contains(.incompatibleOrder))
        #expect(try kinds(transactions([txn(1, [append("x", 1)], 0, 1), txn(2, [append("x", 1)], 0, 1)])) == [.duplicateElements])
    }

    @Test func indeterminateTransactionsMayHaveCommitted() throws {
        // T1 never returned, yet its append was read: fine. Its own reads say nothing.
        let h = transactions([
            txn(1, [append("x", 1), read("y", [5])], 0, nil),
            txn(2, [read("x", [1])], 3, 4),
        ])
        #expect(try ListAppend.check(history: h).isSerializable)
    }

    @Test func generatedSerialExecutionsPass() throws {
        for seed: UInt64 in 1...20 {
            for overlap: Int64 in [0, 25] {
                let run = SerialListAppendRun(transactions: 60, seed: seed, overlap: overlap)
                let result = try ListAppend.check(history: history(run.operations))
                #expect(result.isSerializable, "seed \(seed) overlap \(overlap): \(result.text)")
            }
        }
    }

    /// Alters one read of a generated serial run so that it misses the append of a transaction
    /// whose append to another key it saw: the read skew must come back as a G-single cycle
    /// through those two transactions.
    @Test func aGeneratedRunWithOneStaleReadFailsWithTheCycle() throws {
        var altered = 0
        for seed: UInt64 in 1...20 {
            let run = SerialListAppendRun(transactions: 60, seed: seed, overlap: 25)
            guard let (ops, reader, writer) = plantReadSkew(history(run.operations).operations) else { continue }
            altered += 1
            let result = try ListAppend.check(history: history(ops))
            #expect(result.kinds.contains(.gSingle), "seed \(seed): \(result.kinds)")
            let cycle = try #require(result.anomalies.first { $0.kind == .gSingle })
            #expect(Set(cycle.transactions.map(\.operation.id)) == [reader, writer], "seed \(seed): \(cycle.explanation)")
        }
        #expect(altered >= 10, "too few runs had a read to alter")
    }

    /// Finds T that read two keys whose last elements both come from one earlier W (T reads each
    /// key once, before appending to it) and truncates T's read of one key just before W's first
    /// element there. Returns the altered operations, T's and W's ids.
    func plantReadSkew(_ ops: [Operation]) -> ([Operation], Int, Int)? {
        var writerOf: [String: Int] = [:]  // "key element" -> transaction
        for op in ops {
            guard case .list(let steps) = op.output else { continue }
            for case .list(let p) in steps where p[0] == "append" { writerOf["\(p[1]) \(p[2])"] = op.id }
        }
        for op in ops {
            guard case .list(let steps) = op.output else { continue }
            var reads: [(index: Int, key: Value, els: [Value])] = []
            var touched: [Value: Int] = [:]
            for (i, s) in steps.enumerated() {
                guard case .list(let p) = s else { continue }
                touched[p[1], default: 0] += 1
                if p[0] == "r", case .list(let els) = p[2], touched[p[1]] == 1 { reads.append((i, p[1], els)) }
            }
            for a in reads where !a.els.isEmpty && touched[a.key] == 1 {
                guard let w = writerOf["\(a.key) \(a.els.last!)"], w != op.id else { continue }
                for b in reads where b.key != a.key && touched[b.key] == 1 {
                    guard let cut = b.els.firstIndex(where: { writerOf["\(b.key) \($0)"] == w }) else { continue }
                    var altered = steps
                    altered[b.index] = .list(["r", b.key, .list(Array(b.els[..<cut]))])
                    var result = ops
                    result[op.id].output = .list(altered)
                    return (result, op.id, w)
                }
            }
        }
        return nil
    }

    @Test func readsTheDocumentedJSONLinesAndEDNForms() throws {
        let jsonl = """
            {"type": "invoke", "process": 0, "f": "txn", "value": [["append", "x", 1], ["r", "y", null]], "time": 1}
            {"type": "ok", "process": 0, "f": "txn", "value": [["append", "x", 1], ["r", "y", []]], "time": 2}
            {"type": "invoke", "process": 1, "f": "txn", "value": [["append", "y", 1]], "time": 3}
            {"type": "fail", "process": 1, "f": "txn", "value": [["append", "y", 1]], "time": 4}
            {"type": "invoke", "process": 2, "f": "txn", "value": [["r", "y", null], ["r", "x", null]], "time": 5}
            {"type": "ok", "process": 2, "f": "txn", "value": [["r", "y", [1]], ["r", "x", [1]]], "time": 6}
            """
        let h = try HistoryReader.parse(Array(jsonl.utf8))
        #expect(h.suggestedModel == ListAppend.modelName)
        #expect(h.operations.count == 2 && h.aborted.count == 1)
        #expect(try ListAppend.check(history: h).kinds == [.g1a])

        let edn = """
            {:type :invoke, :f :txn, :value [[:append 9 1] [:r 8 nil]], :process 0, :time 1, :index 0}
            {:type :invoke, :f :txn, :value [[:append 8 2] [:r 9 nil]], :process 1, :time 2, :index 1}
            {:type :ok, :f :txn, :value [[:append 9 1] [:r 8 [2]]], :process 0, :time 3, :index 2}
            {:type :ok, :f :txn, :value [[:append 8 2] [:r 9 [1]]], :process 1, :time 4, :index 3}
            """
        let e = try HistoryReader.parse(Array(edn.utf8))
        #expect(e.suggestedModel == ListAppend.modelName)
        let result = try ListAppend.check(history: e)
        #expect(result.kinds == [.g1c])
        #expect(result.anomalies[0].explanation.contains("key 9"))
    }

    @Test func malformedTransactionsAreRefusedWithTheirOperation() {
        let bad = transactions([txn(1, [.list(["incr", "x", 1])], 0, 1)])
        #expect(ListAppend.validate(history: bad).first?.contains("append and r") == true)
        #expect(throws: TransactionFormatError.self) { try ListAppend.check(history: bad) }
        let notList = history(op(1, "txn", 5, 5, 0, 1))
        #expect(!ListAppend.validate(history: notList).isEmpty)
    }
}
