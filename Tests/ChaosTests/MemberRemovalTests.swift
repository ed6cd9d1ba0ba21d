import Foundation
import RESP
import Testing
@testable import Chaos

/// The remove-rejoin nemesis decides by the leader's configuration whether its RAFT.REMOVE
/// took effect: a node it wrongly took for "not removed" was never killed nor brought back, and
/// answered `ERR this node was removed` until the run failed its recovery check
/// (`raft-chaos run --scenario membership --seed 3`, and `--seed 7`).
struct MemberRemovalTests {
    /// A cluster seen through the nemesis's two questions: replies per asked node, in order, and
    /// the leader's members, which change once the removal is applied (after `appliedAfter` looks).
    final class FakeCluster: @unchecked Sendable {
        let lock = NSLock()
        var replies: [String: RESPValue?]
        var members: [String]
        let victim: String
        var looksUntilApplied: Int
        var asked: [String] = []

        init(replies: [String: RESPValue?], members: [String], victim: String, appliedAfter looks: Int) {
            self.replies = replies
            self.members = members
            self.victim = victim
            self.looksUntilApplied = looks
        }

        var removal: MemberRemoval {
            var r = MemberRemoval(
                ask: { node, _ in self.lock.withLock { self.asked.append(node); return self.replies[node] ?? nil } },
                leaderMembers: {
                    self.lock.withLock {
                        if self.looksUntilApplied == 0 { self.members.removeAll { $0 == self.victim } } else { self.looksUntilApplied -= 1 }
                        return self.members
                    }
                })
            r.settleSeconds = 1
            r.pollSeconds = 0.01
            return r
        }
    }

    static let maybeText = "TRYAGAIN lost the leader, write outcome unknown (a write may still be applied)"
    static let maybe = RESPValue.error(maybeText)

    @Test func aMaybeAnswerThatWasAppliedCountsAsRemoved() {
        // The seed-3 failure: the follower asked lost its leader to the handover, yet the change committed.
        let fake = FakeCluster(replies: ["n2": Self.maybe, "n3": Self.maybe], members: ["n1", "n2", "n3"], victim: "n1", appliedAfter: 3)
        #expect(fake.removal.remove("n1", asking: ["n2", "n3"]) == .removed(answer: Self.maybeText))
    }

    @Test func aLaterNoAfterAnEarlierMaybeStillCountsAsRemoved() {
        // The seed-7 failure: no answer in time from the first node, "no longer the leader" from
        // the next, and the first node's removal committed.
        let noText = "TRYAGAIN this node is no longer the leader"
        let no = RESPValue.error(noText)
        let fake = FakeCluster(replies: ["n1": nil, "n2": no], members: ["n1", "n2", "n3"], victim: "n3", appliedAfter: 2)
        #expect(fake.removal.remove("n3", asking: ["n1", "n2"]) == .removed(answer: noText))
    }

    @Test func okIsRemovedWithoutAskingFurther() {
        let fake = FakeCluster(replies: ["n1": .simpleString("OK"), "n2": Self.maybe], members: ["n1", "n2", "n3"], victim: "n3", appliedAfter: 100)
        #expect(fake.removal.remove("n3", asking: ["n1", "n2"]) == .removed(answer: "OK"))
        #expect(fake.asked == ["n1"])
    }

    @Test func aRemovalThatNeverAppearsIsNotRemoved() {
        let fake = FakeCluster(replies: ["n1": Self.maybe, "n2": Self.maybe], members: ["n1", "n2", "n3"], victim: "n3", appliedAfter: 1_000_000)
        let started = Date()
        #expect(fake.removal.remove("n3", asking: ["n1", "n2"]) == .notRemoved(answer: Self.maybeText))
        #expect(Date().timeIntervalSince(started) < 3, "the wait for the configuration is bounded")
    }

    @Test func aDefiniteRefusalIsNotRetriedElsewhere() {
        let lastText = "ERR cannot remove the last voter"
        let last = RESPValue.error(lastText)
        let fake = FakeCluster(replies: ["n1": last, "n2": last], members: ["n1"], victim: "n1", appliedAfter: 1_000_000)
        #expect(fake.removal.remove("n1", asking: ["n1", "n2"]) == .notRemoved(answer: lastText))
        #expect(fake.asked == ["n1"])
    }

    @Test func noLeaderAnsweringIsNeverTakenForRemoved() {
        var removal = MemberRemoval(ask: { _, _ in Self.maybe }, leaderMembers: { nil })
        removal.settleSeconds = 0.2
        #expect(removal.remove("n1", asking: ["n2"]) == .notRemoved(answer: Self.maybeText))
    }
}
