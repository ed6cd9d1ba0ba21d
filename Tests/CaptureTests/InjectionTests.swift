// Replay for regression testing: a fresh raft-node from this tree, fed what follower 2 received
// in a real capture (a quiet cluster; a cluster that a fourth node joins), answers exactly as
// the original did. Needs the raft-node product built
// (swift build --build-tests builds it).
import Capture
import Foundation
import RaftCore
import Testing

private let nodeBinary: String? = {
    let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
    return ["debug", "release"].map { root.appendingPathComponent(".build/\($0)/raft-node").path }
        .first { FileManager.default.isExecutableFile(atPath: $0) }
}()

@Test(.enabled(if: nodeBinary != nil, "raft-node is not built (swift build): the injection replay is not checked"),
      arguments: ["quiet", "join"])
func aFreshNodeFedAFollowersTrafficAnswersAsTheOriginalDid(fixture: String) throws {
    let capture = try CaptureDecoder().decode(path: Fixtures.path(fixture, "pcap"))
    let injector = Injector(capture: capture, node: "2")
    #expect(injector.peers == ["1", "3"])
    let run = try injector.run(binary: nodeBinary!)
    #expect(run.failure == nil)
    #expect(run.fed == injector.inputs.count)
    let differences = InjectionComparison.differences(injector.originalSent, run.sent, names: ("original", "replayed"))
    #expect(differences.isEmpty, "\(differences.joined(separator: "\n"))")
    #expect(InjectionComparison.answers(run.sent).values.reduce(0) { $0 + $1.count } >= 5)
}

@Test func aNodeThatJoinedLaterIsNotAFoundingMember() throws {
    let capture = try CaptureDecoder().decode(path: Fixtures.path("join", "pcap"))
    #expect(Injector(capture: capture, node: "2").peers == ["1", "3"])
}

@Test func answersThatDifferAreNamedWithTheFirstDifference() {
    func ack(_ index: UInt64, _ ok: Bool = true) -> Message {
        Message(from: "2", to: "1", term: 3, body: .appendEntriesResponse(AppendEntriesResponse(success: ok, index: LogIndex(index))))
    }
    let lines = InjectionComparison.differences([ack(4), ack(5), ack(5), ack(6)], [ack(4), ack(5), ack(6, false)], names: ("old", "new"))
    #expect(lines == [
        "to 1: old gave 3 answers, new 3; they agree on the first 2",
        "  old answer 3: AppendEntriesResponse term 3 success true index 6",
        "  new answer 3: AppendEntriesResponse term 3 success false index 6",
    ])
    #expect(InjectionComparison.differences([ack(4)], [ack(4), ack(4)], names: ("a", "b")).isEmpty)
}
