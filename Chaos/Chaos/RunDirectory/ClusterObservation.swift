/// One line of `cluster.jsonl`: what one node said about itself when the harness asked
/// (role, term, leader it knows), or that it did not answer. The report draws leader and term
/// changes from these.
public struct ClusterObservation: Codable, Sendable, Hashable {
    public var time: UInt64
    public var node: String
    /// `leader`, `follower`, `candidate`, `learner`, or `down` when the node did not answer.
    public var role: String
    public var term: UInt64?
    public var leader: String?

    public init(time: UInt64, node: String, role: String, term: UInt64?, leader: String?) {
        self.time = time
        self.node = node
        self.role = role
        self.term = term
        self.leader = leader
    }
}
