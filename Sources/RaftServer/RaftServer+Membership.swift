import RESP
import RaftCore

/// A membership command the cluster refused, with the reply's text (see docs/OPERATIONS.md,
/// "Errors"). Replies starting with TRYAGAIN or CLUSTERDOWN may succeed when retried.
public struct MembershipError: Error, CustomStringConvertible, Sendable {
    public var description: String
    public var isRetryable: Bool { description.hasPrefix("TRYAGAIN") || description.hasPrefix("CLUSTERDOWN") }
}

// Membership for an application embedding the server: the same commands a client sends
// (RAFT.ADD, RAFT.REMOVE, RAFT.TRANSFER, RAFT.STATUS), relayed to the leader when needed.
extension RaftServer {
    /// Adds `id`, reachable at `clientAddress` (peers at port + 1), as a learner; the leader
    /// promotes it to voter once it runs and has caught up. Returns once the change committed.
    public func addNode(_ id: NodeID, clientAddress: NodeAddress) async throws {
        try await membership(["RAFT.ADD", id.rawValue, clientAddress.description])
    }

    /// Removes `id` (alive or dead). Removing the leader hands leadership over first.
    public func removeNode(_ id: NodeID) async throws {
        try await membership(["RAFT.REMOVE", id.rawValue])
    }

    /// Returns once `id` leads (dissertation §3.10).
    public func transferLeadership(to id: NodeID) async throws {
        try await membership(["RAFT.TRANSFER", id.rawValue])
    }

    /// RAFT.STATUS: this node's view of the cluster, as a RESP3 map.
    public func membershipStatus() async throws -> RESPValue {
        try await request(["RAFT.STATUS"])
    }

    private func membership(_ arguments: [String]) async throws {
        let reply = try await request(arguments)
        if case .error(let text) = reply { throw MembershipError(description: text) }
    }
}
