import Foundation
import RESP

/// Membership helpers over `NodeProcesses`: pyraft's join flow, RAFT.STATUS as a dictionary,
/// and bounded waiting.
extension NodeProcesses {
    static let fastTicks = ["--tick-ms", "50", "--fsync", "never"]

    /// pyraft's flow: node 1 alone, then node i started with `-e` naming node i-1 only.
    func startJoinChain(size: Int, base: Int, dataDirectoryFor: (Int) -> String? = { _ in nil }) throws {
        for i in 1...size {
            try start(id: "\(i)", port: base + 2 * (i - 1), arguments: joinArguments(i, base: base, dataDirectory: dataDirectoryFor(i)))
            if i == 1 { try waitForPort(base) }
        }
    }

    func joinArguments(_ i: Int, base: Int, dataDirectory: String?) -> [String] {
        var args = ["-a", "127.0.0.1:\(base + 2 * (i - 1))", "-i", "\(i)"] + Self.fastTicks
        if i > 1 { args += ["-e", "127.0.0.1:\(base + 2 * (i - 2))"] }
        if let dataDirectory { args += ["--data-dir", dataDirectory] }
        return args
    }

    /// Starts `id` again with `arguments`, forgetting its dead process.
    func restart(id: String, port: Int, arguments: [String]) throws {
        nodes.removeAll { $0.id == id && !$0.process.isRunning }
        try start(id: id, port: port, arguments: arguments)
    }

    func port(of id: String) -> Int { nodes.first { $0.id == id }!.port }

    /// Polls `body` every 100 ms until it returns true or `seconds` pass.
    func waitUntil(_ what: String, seconds: Double = 10, _ body: () -> Bool) throws {
        let deadline = Date().addingTimeInterval(seconds)
        while Date() < deadline {
            if body() { return }
            Thread.sleep(forTimeInterval: 0.1)
        }
        throw TestClient.Failure(description: "not within \(seconds)s: \(what)\n\(logs())")
    }

    /// Waits until every living node listed sees exactly `voters` as voters and no learners.
    func waitForVoters(_ voters: Set<String>, on ids: [String], seconds: Double = 10) throws {
        try waitUntil("voters \(voters.sorted()) on \(ids)", seconds: seconds) {
            ids.allSatisfy { id in
                guard let s = try? RaftStatus(port: port(of: id)) else { return false }
                return Set(s.peers.filter { $0.value.role == "voter" }.keys) == voters && s.peers.count == voters.count
            }
        }
    }

    /// A write retried for a bounded time (an election or a forwarding hop may be in progress).
    func write(_ args: [String], on id: String, seconds: Double = 5) throws -> RESPValue {
        let deadline = Date().addingTimeInterval(seconds)
        var last: RESPValue = .null
        while Date() < deadline {
            if let c = try? TestClient(port: port(of: id), timeoutSeconds: 2), let r = try? c.call(args) {
                if !r.isError { return r }
                last = r
            }
            Thread.sleep(forTimeInterval: 0.1)
        }
        return last
    }
}

/// RAFT.STATUS, read over RESP2 (a flat array of alternating keys and values).
struct RaftStatus {
    struct Peer {
        var address: String
        var role: String
        var matchIndex: Int64
        var lag: Int64
    }
    var fields: [String: RESPValue]
    var peers: [String: Peer]

    var role: String { fields["role"]?.text ?? "" }
    var leader: String { fields["leader"]?.text ?? "" }
    var term: Int64 { if case .integer(let t) = fields["term"] { t } else { -1 } }

    init(port: Int) throws {
        let reply = try TestClient(port: port, timeoutSeconds: 2).call("RAFT.STATUS")
        try self.init(reply)
    }

    init(_ reply: RESPValue) throws {
        fields = try Self.pairs(reply)
        peers = [:]
        for (id, value) in try Self.pairs(fields["peers"] ?? .null) {
            let p = try Self.pairs(value)
            func int(_ k: String) -> Int64 { if case .integer(let v) = p[k] { v } else { -2 } }
            peers[id] = Peer(address: p["address"]?.text ?? "", role: p["role"]?.text ?? "", matchIndex: int("match_index"), lag: int("lag"))
        }
    }

    static func pairs(_ v: RESPValue) throws -> [String: RESPValue] {
        var out: [String: RESPValue] = [:]
        switch v {
        case .array(let items?) where items.count % 2 == 0:
            for k in stride(from: 0, to: items.count, by: 2) { out[items[k].text ?? ""] = items[k + 1] }
        case .map(let pairs):
            for p in pairs { out[p.key.text ?? ""] = p.value }
        default:
            throw TestClient.Failure(description: "not a map: \(v)")
        }
        return out
    }
}
