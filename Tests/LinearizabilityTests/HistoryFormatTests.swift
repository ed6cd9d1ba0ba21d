import Testing
import Linearizability

@Suite struct HistoryFormatTests {
    func parse(_ text: String, _ format: HistoryFormat? = nil) throws -> History {
        try HistoryReader.parse(Array(text.utf8), format: format)
    }

    @Test func detectsEachFormat() {
        #expect(HistoryFormat.detect(Array("{\"type\":\"invoke\"}".utf8)) == .jsonl)
        #expect(HistoryFormat.detect(Array("{:process 0, :type :invoke}".utf8)) == .edn)
        #expect(HistoryFormat.detect(Array("INFO  jepsen.util - 1\t:invoke\t:read\tnil".utf8)) == .porcupineEtcd)
        #expect(HistoryFormat.detect(Array("hello".utf8)) == nil)
    }

    @Test func jsonLinesPairsCallsWithCompletions() throws {
        let h = try parse("""
            {"format": "raft-chaos-history", "version": 1, "model": "cas-register"}
            {"time": 10, "process": 1, "node": "n1", "id": 5, "type": "invoke", "f": "cas", "key": "x", "value": [1, 2]}
            {"time": 11, "process": 2, "type": "invoke", "f": "write", "key": "x", "value": 3}
            {"time": 12, "process": 1, "node": "n1", "id": 5, "type": "ok", "f": "cas", "key": "x", "value": false}
            {"time": 13, "process": 2, "type": "info", "f": "write", "key": "x", "value": 3, "error": "timeout"}
            {"time": 14, "process": 3, "type": "invoke", "f": "read", "key": "x"}
            {"time": 15, "process": 3, "type": "fail", "f": "read", "key": "x", "error": "no leader"}
            """)
        #expect(h.suggestedModel == "cas-register")
        #expect(h.operations.count == 2)
        let casOp = try #require(h.operations.first { $0.function == "cas" })
        #expect(casOp.input == [1, 2] && casOp.output == false && casOp.node == "n1")
        #expect(casOp.callTime == 10 && casOp.returnTime == 12)
        let write = try #require(h.operations.first { $0.function == "write" })
        #expect(write.outcome == .indeterminate && write.returnTime == nil && write.error == "timeout")
    }

    @Test func jsonLinesRejectsBadLinesWithTheirNumber() {
        #expect(throws: HistoryReadError.self) { try parse("{\"type\": \"invoke\", \"process\": 1, \"f\": \"read\"}\n{oops", .jsonl) }
        do {
            _ = try parse("{\"type\": \"ok\", \"process\": 1, \"f\": \"read\", \"time\": 1}\n", .jsonl)
            Issue.record("a completion with no call was accepted")
        } catch let e as HistoryReadError {
            #expect(e.line == 1)
        } catch {
            Issue.record("unexpected error \(error)")
        }
        #expect(throws: HistoryReadError.self) {
            try parse("{\"type\":\"invoke\",\"process\":1,\"f\":\"read\",\"time\":5}\n{\"type\":\"ok\",\"process\":1,\"f\":\"read\",\"time\":4}", .jsonl)
        }
    }

    @Test func ednSkipsNemesisAndDropsFailures() throws {
        let h = try parse("""
            {:process 0, :type :invoke, :f :write, :value 1, :time 1}
            {:process :nemesis, :type :info, :f :start, :value nil, :time 2}
            {:process 0,
             :type :ok, :f :write, :value 1, :time 3}
            {:process 1, :type :invoke, :f :cas, :value [1 2], :time 4}
            {:process 1, :type :fail, :f :cas, :value [1 2], :time 5}
            {:process 2, :type :invoke, :f :read, :value nil, :time 6}
            {:process 2, :type :info, :f :read, :value nil, :time 7, :error :timeout}
            {:process 3, :type :invoke, :f :write, :value 9, :time 8}
            """)
        #expect(h.operations.map(\.function) == ["write", "read", "write"])
        #expect(h.operations[1].outcome == .indeterminate)
        #expect(h.operations[2].returnTime == nil)
        #expect(h.suggestedModel == "cas-register")
    }

    @Test func ednReadsPorcupineKeyValueLines() throws {
        let h = try parse("""
            {:process 9, :type :invoke, :f :append, :key "0", :value "x 9 0 y"}
            {:process 1, :type :invoke, :f :get, :key "0", :value nil}
            {:process 9, :type :ok, :f :append, :key "0", :value "x 9 0 y"}
            {:process 1, :type :ok, :f :get, :key "0", :value ""}
            """)
        #expect(h.suggestedModel == "kv")
        #expect(h.operations.count == 2)
        #expect(h.operations[1].output == "" && h.operations[1].key == "0")
        #expect(h.operations[0].callTime == 0 && h.operations[0].returnTime == 2)
    }

    @Test func ednRejectsMalformedInput() {
        #expect(throws: HistoryReadError.self) { try parse("{:process 0, :type :invoke", .edn) }
        #expect(throws: HistoryReadError.self) { try parse("{:process 0, :type :weird, :f :read}", .edn) }
        #expect(throws: HistoryReadError.self) { try parse("[1 2 3]", .edn) }
        #expect(throws: HistoryReadError.self) { try parse(String(repeating: "[", count: 500), .edn) }
    }

    @Test func porcupineEtcdLogFollowsPorcupineMeaning() throws {
        let h = try parse("""
            INFO  jepsen.util - 1\t:invoke\t:read\tnil
            INFO  jepsen.util - 1\t:fail\t:read\t:timed-out
            INFO  jepsen.util - 2\t:invoke\t:cas\t[1 4]
            INFO  jepsen.util - 2\t:fail\t:cas\t[1 4]
            INFO  jepsen.util   -   3   :invoke   :write   5
            INFO  jepsen.util   -   3   :info   :write   :timed-out
            """)
        #expect(h.suggestedModel == "cas-register")
        #expect(h.operations.map(\.function) == ["cas", "write"])
        #expect(h.operations[0].output == false && h.operations[0].outcome == .ok)
        #expect(h.operations[1].outcome == .indeterminate)
        #expect(throws: HistoryReadError.self) { try parse("INFO  jepsen.util - x :invoke :read nil", .porcupineEtcd) }
    }

    @Test func emptyInputIsTheEmptyHistory() throws {
        #expect(try parse("").operations.isEmpty)
        #expect(try parse("\n\n", .porcupineEtcd).operations.isEmpty)
    }
}
