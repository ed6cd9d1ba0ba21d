import Linearizability
import RESP
import Testing
@testable import Chaos

/// How the list-append workload records one transaction from EXEC's reply: the error contract
/// for transactions (docs/history-format.md, "Transactions").
@Suite struct ListAppendWorkloadTests {
    static let txn = ListAppendTransaction(steps: [.append(key: "la0", element: 7), .read(key: "la1"), .read(key: "la0")])
    static let readOnly = ListAppendTransaction(steps: [.read(key: "la1")])

    @Test func aCommittedTransactionRecordsItsStepsWithTheReadsFilledIn() {
        let reply = RESPValue.array([.integer(3), .array([.bulk("1"), .bulk("2")]), .array([.bulk("5"), .bulk("6"), .bulk("7")])])
        #expect(Self.txn.complete(withExecReply: reply) == .ok([["append", "la0", 7], ["r", "la1", [1, 2]], ["r", "la0", [5, 6, 7]]]))
        #expect(Self.txn.argument == [["append", "la0", 7], ["r", "la1", .null], ["r", "la0", .null]])
        #expect(Self.txn.commands == [["RPUSH", "la0", "7"], ["LRANGE", "la1", "0", "-1"], ["LRANGE", "la0", "0", "-1"]])
    }

    @Test func aNullExecIsAFailure() {
        guard case .fail = Self.txn.complete(withExecReply: .array(nil)) else {
            Issue.record("a null EXEC reply must be recorded as fail")
            return
        }
    }

    @Test(arguments: ["TRYAGAIN lost the leader while the write was pending",
                      "TRYAGAIN request timed out", "ERR something new"])
    func errorsThatMayHaveCommittedAreIndeterminate(_ text: String) {
        guard case .info = Self.txn.complete(withExecReply: .error(text)) else {
            Issue.record("\(text) must be recorded as info")
            return
        }
    }

    /// EXECABORT: a command failed to queue, so the connection answers EXEC without proposing
    /// anything (NodeCommandHandler+Transactions), or the leader finds a queued command that no
    /// longer resolves and answers before proposing (KeyValueStateMachine.prepareTransaction).
    /// No part of the transaction ran: a definite failure, whatever it appended.
    @Test func execAbortIsAFailureNothingRan() {
        let text = "EXECABORT Transaction discarded because of previous errors."
        #expect(Self.txn.complete(withExecReply: .error(text)) == .fail(text))
        #expect(Self.readOnly.complete(withExecReply: .error(text)) == .fail(text))
        #expect(ErrorContract.rule(for: text)?.mayHaveTakenEffect == false)
    }

    @Test func errorsTheNodeGivesBeforeProposingAreFailures() {
        guard case .fail = Self.txn.complete(withExecReply: .error("TRYAGAIN leadership transfer in progress")) else {
            Issue.record("refused before proposing: fail")
            return
        }
        // A transaction of reads changes nothing, whatever became of it.
        guard case .fail = Self.readOnly.complete(withExecReply: .error("TRYAGAIN request timed out")) else {
            Issue.record("a read-only transaction's failure is a fail")
            return
        }
    }

    @Test func aReplyOfTheWrongShapeIsIndeterminate() {
        guard case .info = Self.txn.complete(withExecReply: .array([.integer(1)])) else {
            Issue.record("EXEC ran, but not as these commands: info")
            return
        }
        guard case .info = Self.txn.complete(withExecReply: .array([.error("WRONGTYPE x"), .array([]), .array([])])) else {
            Issue.record("a step that failed inside EXEC: info")
            return
        }
    }

    @Test func keysRotateAfterTheirAppendsAndElementsAreUnique() {
        let keys = ListAppendKeys(options: ListAppendOptions(keysAtOnce: 2, appendsPerKey: 3))
        var seen = Set<Int64>()
        var names: [String] = []
        for _ in 0..<6 {
            let (key, element) = keys.append(slot: 0)
            #expect(seen.insert(element).inserted)
            names.append(key)
        }
        #expect(names == ["la0", "la0", "la0", "la2", "la2", "la2"])
        #expect(keys.keyToRead(slot: 0) == "la3")
        #expect(keys.keyToRead(slot: 1) == "la1")
    }

    @Test func badOptionsAreRefused() {
        #expect(ListAppendOptions(maxSteps: 0).problem != nil)
        #expect(ListAppendOptions(appendShare: 1.5).problem != nil)
        #expect(ListAppendOptions().problem == nil)
    }
}
