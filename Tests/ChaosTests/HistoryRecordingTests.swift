import Foundation
import Linearizability
import Testing
@testable import Chaos

/// The workload's history is the checker's input: every call pairs with its completion, a
/// process that saw info continues under a new id, and many clients never garble the file.
@Suite struct HistoryRecordingTests {
    static func temporaryFile(_ name: String) -> URL {
        FileManager.default.temporaryDirectory.appendingPathComponent("chaos-\(getpid())-\(UUID().uuidString.prefix(8))-\(name)")
    }

    @Test func invokesPairWithCompletionsAndInfoMovesToAFreshProcess() throws {
        let url = Self.temporaryFile("history.jsonl")
        defer { try? FileManager.default.removeItem(at: url) }
        let recorder = try HistoryRecorder(url: url)
        let write = PlannedOperation(workload: .register, function: "write", key: "r0-0", argument: 1, command: ["SET", "r0-0", "1"], expect: .ok)
        let read = PlannedOperation(workload: .register, function: "read", key: "r0-0", argument: .null, command: ["GET", "r0-0"], expect: .value)
        var p = recorder.newProcess()
        var id = recorder.invoke(process: p, node: "n1", write)
        recorder.complete(process: p, node: "n1", id: id, write, .ok(1))
        id = recorder.invoke(process: p, node: "n1", write)
        recorder.complete(process: p, node: "n1", id: id, write, .info("timeout after 1.0 s"))
        p = recorder.newProcess()  // what WorkloadClient does after info
        id = recorder.invoke(process: p, node: "n2", read)
        recorder.complete(process: p, node: "n2", id: id, read, .fail("CLUSTERDOWN No leader elected yet, try again"))
        id = recorder.invoke(process: p, node: "n2", read)
        recorder.complete(process: p, node: "n2", id: id, read, .ok(1))
        #expect(recorder.counts == OperationCounts(ok: 2, fail: 1, info: 1, open: 0))
        recorder.close()

        let lines = try String(contentsOf: url, encoding: .utf8).split(separator: "\n")
        #expect(lines.first == "{\"format\":\"raft-chaos-history\",\"version\":1,\"model\":\"node-workloads\"}")
        #expect(lines.count == 9)
        let events = try lines.dropFirst().map { try JSONDecoder().decode(Event.self, from: Data($0.utf8)) }
        #expect(events.map(\.type) == ["invoke", "ok", "invoke", "info", "invoke", "fail", "invoke", "ok"])
        #expect(events.map(\.process) == [0, 0, 0, 0, 1, 1, 1, 1])
        #expect(zip(events, events.dropFirst()).allSatisfy { $0.time <= $1.time })
        #expect(events[3].error == "timeout after 1.0 s")

        let history = try HistoryReader.parse(Array(try Data(contentsOf: url)), format: .jsonl)
        #expect(history.suggestedModel == "node-workloads")
        // The fail is dropped; the info stays, indeterminate.
        #expect(history.operations.count == 3)
        #expect(history.operations.filter { $0.outcome == .indeterminate }.count == 1)
    }

    @Test func manyClientsAtOnceLeaveAReadableHistory() throws {
        let url = Self.temporaryFile("history.jsonl")
        defer { try? FileManager.default.removeItem(at: url) }
        let recorder = try HistoryRecorder(url: url)
        let threads = 8, perThread = 500
        DispatchQueue.concurrentPerform(iterations: threads) { t in
            let p = recorder.newProcess()
            for i in 0..<perThread {
                let v = Int64(t * perThread + i)
                let op = PlannedOperation(workload: .set, function: "add", key: "s\(t % 2)", argument: .int(v), command: ["RPUSH", "s", "\(v)"], expect: .appended)
                let id = recorder.invoke(process: p, node: "n\(t)", op)
                recorder.complete(process: p, node: "n\(t)", id: id, op, .ok(.int(v)))
            }
        }
        recorder.close()
        let history = try HistoryReader.parse(Array(try Data(contentsOf: url)), format: .jsonl)
        #expect(history.operations.count == threads * perThread)
        #expect(history.operations.allSatisfy { $0.outcome == .ok && $0.input == $0.output })
    }

    @Test func anUnwritableHistoryIsAClearError() {
        #expect(throws: WorkloadError.self) {
            _ = try HistoryRecorder(url: URL(fileURLWithPath: "/nonexistent-dir-\(getpid())/history.jsonl"))
        }
    }

    struct Event: Decodable {
        var time: UInt64
        var process: Int
        var type: String
        var error: String?
    }
}
