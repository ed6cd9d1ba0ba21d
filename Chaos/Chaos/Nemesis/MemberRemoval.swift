import Foundation
import RESP

/// RAFT.REMOVE as a nemesis must read it. The answer alone does not say whether the node left:
/// a "maybe" (`TRYAGAIN lost the leader, write outcome unknown`, a timeout, no answer) may still
/// be applied, and a later attempt through another node then answers `ERR unknown node id` or
/// even `TRYAGAIN this node is no longer the leader` while the first one went through. A node
/// taken for "not removed" that was removed stays out of the cluster for the rest of the run,
/// answering `ERR this node was removed`, and the run fails its recovery check (seen with
/// `--scenario membership --seed 3` and `--seed 7`). So the outcome is settled by the leader's
/// configuration, not by the answer.
struct MemberRemoval: Sendable {
    enum Outcome: Equatable {
        /// Out of the leader's configuration; `answer` is what RAFT.REMOVE said.
        case removed(answer: String)
        /// Still a member after `settleSeconds`; `answer` is the last thing RAFT.REMOVE said.
        case notRemoved(answer: String)
    }

    /// RAFT.REMOVE `id` through `node`: its reply, or nil when it did not answer in time.
    var ask: @Sendable (_ node: String, _ id: String) -> RESPValue?
    /// The members in the configuration of the node that leads in the highest term, or nil
    /// when no leader answers now.
    var leaderMembers: @Sendable () -> [String]?
    /// How long a non-OK answer is given to show up in the leader's configuration.
    var settleSeconds = 3.0
    var pollSeconds = 0.1

    /// Asks the nodes in turn until one gives a definite answer, then settles the outcome.
    func remove(_ id: String, asking nodes: [String]) -> Outcome {
        var last = "no node answered"
        for node in nodes {
            switch ask(node, id) {
            case .simpleString(let s)?:
                // OK comes once the removal is committed.
                if s == "OK" { return .removed(answer: s) }
                last = s
            case .error(let e)?:
                last = e
            case nil:
                last = "no answer from \(node)"
            default:
                continue
            }
            if isGone(id) { return .removed(answer: last) }
            // A definite refusal from a node that heard us: no point asking the others the same.
            if Self.isDefiniteRefusal(last) { break }
        }
        let deadline = Date().addingTimeInterval(settleSeconds)
        while Date() < deadline {
            if isGone(id) { return .removed(answer: last) }
            Thread.sleep(forTimeInterval: pollSeconds)
        }
        return .notRemoved(answer: last)
    }

    /// True when a leader answers and its configuration lacks `id`.
    func isGone(_ id: String) -> Bool {
        guard let members = leaderMembers(), !members.isEmpty else { return false }
        return !members.contains(id)
    }

    /// Refusals that say the change was never proposed and never will be (docs/OPERATIONS.md).
    static func isDefiniteRefusal(_ answer: String) -> Bool {
        answer.hasPrefix("ERR cannot remove the last voter") || answer.hasPrefix("ERR no other voter")
    }
}
