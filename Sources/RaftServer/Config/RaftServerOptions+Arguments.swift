import RaftCore

extension RaftServerOptions {
    /// Reads pyraft's three options, `-a IP:PORT [-i ID] [-e ID/IP:PORT,...]`, for a small program
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
        let options = RaftServerOptions(
            id: id.map { NodeID($0) }, clientAddress: client, ensemble: try parseEnsemble(ensemble), fsync: .never)
        return (options, extra)
    }
}
