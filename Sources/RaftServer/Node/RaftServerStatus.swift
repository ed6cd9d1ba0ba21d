import NIOConcurrencyHelpers
import RaftCore

/// What a node shows to humans (INFO, logs) and to the embedding application. A copy, taken
/// after every Ready; safe to read from any thread.
public struct RaftServerStatus: Sendable {
    public var id: NodeID
    public var role: Role = .follower
    public var term: Term = .zero
    public var leader: NodeID? = nil
    public var commitIndex: LogIndex = .zero
    public var appliedIndex: LogIndex = .zero
    public var lastIndex: LogIndex = .zero
    public var members: [NodeID] = []
    public var keyCount: Int = 0
    /// Of `keyCount`, the keys with a deadline (INFO's `expires=`).
    public var expiringKeyCount: Int = 0

    /// pyraft's role letter: l(eader), f(ollower), c(andidate), p(re-candidate); learners show as f.
    public var roleLetter: Character {
        switch role {
        case .leader: "l"
        case .follower, .learner: "f"
        case .candidate: "c"
        case .preCandidate: "p"
        }
    }
}

/// The shared, lock-protected copy of the status.
final class StatusBox: Sendable {
    private let box: NIOLockedValueBox<RaftServerStatus>
    init(_ s: RaftServerStatus) { box = NIOLockedValueBox(s) }
    var value: RaftServerStatus { box.withLockedValue { $0 } }
    func update(_ body: (inout RaftServerStatus) -> Void) { box.withLockedValue { body(&$0) } }
}
