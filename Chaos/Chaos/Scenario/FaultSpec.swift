/// One fault a scenario can pick, as written after `fault` in a scenario file. Targets such as
/// `leader` are resolved only when the fault starts (docs/CHAOS.md lists every form).
public enum FaultSpec: Hashable, Sendable, CustomStringConvertible {
    public enum Target: String, Hashable, Sendable, CaseIterable {
        case one, leader, follower, minority, majority, all
    }

    public enum Partition: String, Hashable, Sendable, CaseIterable {
        /// The leader cut off from every other node, both ways.
        case leader
        /// One node chosen at random cut off, both ways.
        case one
        /// Two halves (the smaller first), no link between them.
        case halves
        /// Every node sees a majority, but no two nodes see the same one (4 nodes or more).
        case majorityRing = "majority-ring"
        /// Two halves, and one node that sees both.
        case bridge
        /// The leader can receive but nothing it sends arrives.
        case leaderCannotSend = "leader-cannot-send"
        /// The leader can send but nothing sent to it arrives.
        case leaderCannotHear = "leader-cannot-hear"
    }

    /// SIGKILL the target, restart it (same data) when the fault ends.
    case kill(Target)
    /// SIGSTOP the target, SIGCONT when the fault ends.
    case pause(Target)
    case partition(Partition)
    /// Link faults on every link that touches the target (all links when nil).
    case link(LinkFaults, on: Target?)
    /// Close every relayed connection once (nodes reconnect).
    case resetConnections
    /// RAFT.REMOVE a node, kill it, and at the end add it back as a fresh join (data wiped).
    case removeAndRejoin(Target)
    /// RAFT.TRANSFER to another voter about every `everyMs` while the fault lasts.
    case transferStorm(everyMs: Int)

    public var kind: String {
        switch self {
        case .kill: "kill"
        case .pause: "pause"
        case .partition: "partition"
        case .link: "link"
        case .resetConnections: "reset"
        case .removeAndRejoin: "membership"
        case .transferStorm: "transfer"
        }
    }

    public var description: String {
        switch self {
        case .kill(let t): "kill \(t.rawValue)"
        case .pause(let t): "pause \(t.rawValue)"
        case .partition(let p): "partition \(p.rawValue)"
        case .link(let f, let t): "link \(f)" + (t.map { " on \($0.rawValue)" } ?? "")
        case .resetConnections: "reset connections"
        case .removeAndRejoin(let t): "remove-rejoin \(t.rawValue)"
        case .transferStorm(let ms): "transfer storm every \(ms)ms"
        }
    }
}
