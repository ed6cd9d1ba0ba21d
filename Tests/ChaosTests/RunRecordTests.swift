import Foundation
import Testing
@testable import Chaos

@Suite struct RunRecordTests {
    @Test func faultEventsRoundTripAsOneJSONLine() throws {
        let event = FaultEvent(time: 42, id: 7, phase: .start, kind: "partition", targets: ["n3"],
                               description: "isolate leader n3 from n1 n2")
        let data = try JSONEncoder().encode(event)
        #expect(!data.contains(UInt8(ascii: "\n")))
        #expect(try JSONDecoder().decode(FaultEvent.self, from: data) == event)
    }

    @Test func verdictOutcomesMapToTheDocumentedExitCodes() {
        #expect(RunVerdict.Outcome.passed.exitCode == 0)
        #expect(RunVerdict.Outcome.violation.exitCode == 1)
        #expect(RunVerdict.Outcome.unknown.exitCode == 2)
        #expect(RunVerdict.Outcome.harnessFailure.exitCode == 3)
        #expect(RunVerdict.Outcome(rawValue: "harness-failure") == .harnessFailure)
    }

    @Test func monotonicClockNeverGoesBackwards() {
        var last = MonotonicClock.now()
        for _ in 0..<1000 {
            let now = MonotonicClock.now()
            #expect(now >= last)
            last = now
        }
    }

    @Test func layoutKeepsEachNodeInItsOwnFolder() {
        let layout = RunLayout(root: URL(fileURLWithPath: "/tmp/run"))
        #expect(layout.nodeLog("n2").path == "/tmp/run/nodes/n2/node.log")
        #expect(layout.nodeData("n2").path == "/tmp/run/nodes/n2/data")
        #expect(layout.history.lastPathComponent == "history.jsonl")
    }
}
