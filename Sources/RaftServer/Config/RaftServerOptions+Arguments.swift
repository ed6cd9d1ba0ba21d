import RaftCore

extension RaftServerOptions {
    /// Reads pyraft's three options, `-a IP:PORT [-i ID] [-e ID/IP:PORT,...]` (an `-e` that does
    /// not list this node joins a running cluster through the nodes it lists), for a small program
    /// that embeds the node (raft-node itself has a full command line). Flags named in
    /// `extraFlags` (each taking one value) are returned for the program to read; anything else
    /// is an error with a message fit to print. The node keeps no data on disk and never
    /// fsyncs: set `dataDirectory` and `fsync` on the result for durability.
    public static func parse(
        pyraftArguments arguments: some Sequence<String>, extraFlags: Set<String> = []
    ) throws(NodeOptionError) -> (options: RaftServerOptions, extra: [String: String]) {
        var address: String?
        var id: String?
        var ensemble = ""
        var extra: [String: String] = [:]
        var rest = Array(arguments)[...]
        while let flag = rest.popFirst() {
            guard let value = rest.popFirst() else { throw NodeOptionError("\(flag) needs a value") }
            switch flag {
            case "-a": address = value
            case "-i": id = value
            case "-e": ensemble = value
            case _ where extraFlags.contains(flag): extra[flag] = value
            default: throw NodeOptionError("unknown option \(flag)")
            }
        }
        guard let address else { throw NodeOptionError("-a IP:PORT is required") }
        let client = try NodeAddress(parsing: address)
        var options = RaftServerOptions(
            id: id.map { NodeID($0) }, clientAddress: client, ensemble: try parseEnsemble(ensemble), fsync: .never)
        if isJoin(ensemble: options.ensemble, id: options.id, address: client) {
            // As raft-node: an -e that does not list this node joins through those members.
            options.join = options.ensemble.values.sorted { $0.description < $1.description }
            options.joinEnsemble = options.ensemble
            options.ensemble = [:]
        }
        return (options, extra)
    }
}
