import RaftCore

/// A parsed membership command.
enum MembershipRequest: Equatable {
    case add(NodeID, NodeAddress)
    case join(NodeID, NodeAddress, overwrite: Bool)
    case remove(NodeID)
    case transfer(NodeID)
    case status

    static func parse(name: String, _ args: [String]) -> Result<MembershipRequest, NodeOptionError> {
        func arity() -> Result<MembershipRequest, NodeOptionError> {
            .failure(NodeOptionError("ERR wrong number of arguments for '\(name)' command"))
        }
        func address(_ text: String) -> Result<NodeAddress, NodeOptionError> {
            do { return .success(try NodeAddress(parsing: text)) } catch { return .failure(NodeOptionError("ERR \(error.description)")) }
        }
        func nodeID(_ text: String) -> Result<NodeID, NodeOptionError> {
            text.isEmpty ? .failure(NodeOptionError("ERR node id must not be empty")) : .success(NodeID(text))
        }
        switch name {
        case "raft.status":
            return args.isEmpty ? .success(.status) : arity()
        case "raft.add", "add_node":
            guard args.count == 2 else { return arity() }
            return nodeID(args[0]).flatMap { id in address(args[1]).map { .add(id, $0) } }
        case "raft.join":
            guard args.count == 2 || (args.count == 3 && args[2].uppercased() == "OVERWRITE") else { return arity() }
            return nodeID(args[0]).flatMap { id in address(args[1]).map { .join(id, $0, overwrite: args.count == 3) } }
        case "raft.remove", "del_node":
            guard args.count == 1 else { return arity() }
            return nodeID(args[0]).map { .remove($0) }
        case "raft.transfer":
            guard args.count == 1 else { return arity() }
            return nodeID(args[0]).map { .transfer($0) }
        default:
            return .failure(NodeOptionError("ERR unknown command '\(name)'"))
        }
    }
}

extension RaftServerOptions {
    /// An -e list that does not name this node (by id or by address) means "join through
    /// these members" rather than "found a cluster with them".
    public static func isJoin(ensemble: [NodeID: NodeAddress], id: NodeID, address: NodeAddress) -> Bool {
        !ensemble.isEmpty && ensemble[id] == nil && !ensemble.values.contains(address)
    }
}
