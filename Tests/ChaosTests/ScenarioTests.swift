import Foundation
import Testing
@testable import Chaos

@Suite struct ScenarioTests {
    let text = """
        # a comment
        describe Two faults.
        settle 1s
        gap 500ms..1s
        length 1s..2s
        recover 10s
        fault 2x kill leader
        fault link drop 20% of append-response,vote on leader   # trailing comment
        """

    @Test func readsEveryKeyword() throws {
        let s = try ScenarioParser.parse(text, name: "t", file: "t.scenario")
        #expect(s.summary == "Two faults.")
        #expect(s.settle == 1)
        #expect(s.gap == 0.5...1)
        #expect(s.length == 1...2)
        #expect(s.recoverWithin == 10)
        #expect(s.faults.map(\.weight) == [2, 1])
        #expect(s.faults[0].fault == .kill(.leader))
        #expect(s.faults[1].fault == .link(LinkFaults(drop: 0.2, types: [.appendResponse, .vote]), on: .leader))
    }

    @Test(arguments: [
        ("fault kill everybody", 1, "kill needs one target"),
        ("fault partition sideways", 1, "partition needs one shape"),
        ("fault link drop lots", 1, "needs a percentage"),
        ("fault link drop 20% of gossip", 1, "unknown frame type 'gossip'"),
        ("gap 3s..1s\nfault kill one", 1, "low <= high"),
        ("fault kill one\nfrobnicate 3", 2, "unknown keyword 'frobnicate'"),
        ("fault explode all", 1, "unknown nemesis 'explode'"),
        ("fault link", 1, "at least one fault"),
    ])
    func badLinesAreNamedByFileAndLine(line: String, number: Int, message: String) {
        #expect {
            _ = try ScenarioParser.parse(line, name: "bad", file: "bad.scenario")
        } throws: { error in
            guard let e = error as? ScenarioError else { return false }
            return e.line == number && e.message.contains(message) && e.description.hasPrefix("bad.scenario:\(number): ")
        }
    }

    @Test func aScenarioWithoutFaultsIsRefused() {
        #expect(throws: ScenarioError.self) { try ScenarioParser.parse("describe nothing", name: "e", file: "e.scenario") }
    }

    @Test func theSameSeedDrawsTheSameScheduleAndAnotherSeedAnother() throws {
        let s = try ScenarioLibrary.load("default")
        let a = Schedule.draw(s, seed: 42, duration: 60)
        let b = Schedule.draw(s, seed: 42, duration: 60)
        let c = Schedule.draw(s, seed: 43, duration: 60)
        #expect(a == b)
        #expect(a != c)
        #expect(a.entries.count >= 5)
        #expect(a.entries.allSatisfy { $0.start + $0.duration <= 60 })
        // One fault at a time, in order.
        for (x, y) in zip(a.entries, a.entries.dropFirst()) { #expect(x.start + x.duration <= y.start) }
    }

    @Test func everyShippedScenarioParses() throws {
        let all = try ScenarioLibrary.all()
        let names = Set(all.map(\.name))
        for expected in ["default", "partitions", "kills", "pauses", "links", "membership", "transfers", "quick"] {
            #expect(names.contains(expected))
        }
        #expect(all.allSatisfy { !$0.summary.isEmpty })
    }

    @Test func majorityRingGivesEveryNodeADifferentMajority() {
        for n in [4, 5, 7] {
            let ids = (1...n).map { "n\($0)" }
            var resolver = TargetResolver(ids: ids, leader: nil, choice: 3)
            let cut = PartitionShapes.cut(.majorityRing, resolver: &resolver)
            var seen: Set<Set<String>> = []
            for id in ids {
                let sees = Set(ids.filter { $0 == id || !cut.links.contains(DirectedLink(from: id, to: $0)) })
                #expect(sees.count > n / 2)
                seen.insert(sees)
            }
            #expect(seen.count == n)
        }
    }
}
