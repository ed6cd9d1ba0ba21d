import RESP
import RaftCore

// RAFT.STATUS: this node's view of the cluster, for machines.

extension NodeDriver {
    /// A machine-readable view (a RESP3 map; RESP2 clients get the flat array). Match index and
    /// lag are known on the leader only; elsewhere they are -1.
    func membershipStatus() -> RESPValue {
        let conf = raft.configuration
        let progress = raft.progress
        let last = raft.lastIndex
        func bulk(_ s: String) -> RESPValue { .bulk(s) }
        func int(_ v: UInt64) -> RESPValue { .integer(Int64(clamping: v)) }
        var peers: [RESPValue.Pair] = []
        for id in conf.members.sorted() {
            var match: Int64 = -1
            var lag: Int64 = -1
            if id == options.id {
                match = Int64(clamping: last.rawValue)
                lag = raft.role == .leader ? 0 : -1
            } else if let p = progress[id] {
                match = Int64(clamping: p.match.rawValue)
                lag = Int64(clamping: last.rawValue &- min(last.rawValue, p.match.rawValue))
            }
            var fields: [RESPValue.Pair] = [
                .init(bulk("address"), bulk(conf.addresses[id].map(Self.clientAddress(ofPeer:)) ?? "")),
                .init(bulk("peer_address"), bulk(conf.addresses[id] ?? "")),
                .init(bulk("role"), bulk(conf.voters.contains(id) ? "voter" : "learner")),
                .init(bulk("match_index"), .integer(match)),
                .init(bulk("lag"), .integer(lag)),
            ]
            if let p = progress[id], id != options.id {
                fields.append(.init(bulk("state"), bulk(p.state.rawValue)))
                fields.append(.init(bulk("recent_active"), .integer(p.recentActive ? 1 : 0)))
            }
            peers.append(.init(bulk(id.rawValue), .map(fields)))
        }
        return .map([
            .init(bulk("id"), bulk(options.id.rawValue)),
            .init(bulk("role"), bulk(raft.role.rawValue)),
            .init(bulk("term"), int(raft.term.rawValue)),
            .init(bulk("leader"), bulk(raft.leader?.rawValue ?? "")),
            .init(bulk("commit_index"), int(raft.commitIndex.rawValue)),
            .init(bulk("applied_index"), int(shell.stateMachineIndex.rawValue)),
            .init(bulk("last_index"), int(last.rawValue)),
            .init(bulk("joining"), .integer(isJoining ? 1 : 0)),
            .init(bulk("transfer_target"), bulk(raft.leadershipTransferTarget?.rawValue ?? "")),
            .init(bulk("peers"), .map(peers)),
        ])
    }
}

