import RESP
import RaftCore

// ROLE in Redis's shapes, so Sentinel-aware and cluster-probing clients find the leader: the
// leader answers as a master with its followers as replicas, the others as replicas of the
// leader's client address. Replication offsets are applied (or, for followers seen from the
// leader, matched) log indexes.
extension NodeDriver {
    func roleReply() -> RESPValue {
        let conf = raft.configuration
        let applied = Int64(clamping: status.value.appliedIndex.rawValue)
        func clientAddress(_ id: NodeID) -> NodeAddress? {
            conf.addresses[id].flatMap { try? NodeAddress(parsing: Self.clientAddress(ofPeer: $0)) }
        }
        if raft.role == .leader {
            let progress = raft.progress
            let replicas: [RESPValue] = conf.members.sorted().filter { $0 != options.id }.compactMap { id in
                guard let a = clientAddress(id) else { return nil }
                let match = progress[id].map { Int64(clamping: $0.match.rawValue) } ?? 0
                return .array([.bulk(a.host), .bulk(String(a.port)), .bulk(String(match))])
            }
            return .array([.bulk("master"), .integer(applied), .array(replicas)])
        }
        guard let leader = raft.leader, let a = clientAddress(leader) else {
            return .array([.bulk("slave"), .bulk("?"), .integer(-1), .bulk("connect"), .integer(-1)])
        }
        return .array([.bulk("slave"), .bulk(a.host), .integer(Int64(a.port)), .bulk("connected"), .integer(applied)])
    }
}
