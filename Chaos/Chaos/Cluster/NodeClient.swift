import Foundation
import RESP

/// A small blocking RESP2 client for the harness's own questions (INFO raft, probe writes,
/// RAFT.REMOVE / RAFT.ADD / RAFT.TRANSFER). Every call is bounded by the timeout, so a paused
/// or partitioned node costs the harness at most that long.
public final class NodeClient {
    public struct Failure: Error, CustomStringConvertible {
        public var description: String
    }

    private let fd: Int32
    private var decoder = RESPReplyDecoder()

    public init(port: Int, timeoutMs: Int = 1000) throws {
        fd = try Sockets.connect(port: port, timeoutMs: Int32(timeoutMs))
        Sockets.setReadTimeout(fd, milliseconds: timeoutMs)
    }

    deinit { Glibc.close(fd) }

    public func call(_ args: [String]) throws -> RESPValue {
        guard Sockets.writeAll(fd, RESPEncoder.encode(.command(args.map { Array($0.utf8) }), version: .resp2)) else {
            throw Failure(description: "connection lost sending \(args.first ?? "")")
        }
        while true {
            if let reply = try decoder.next() { return reply }
            guard let bytes = Sockets.read(fd) else { throw Failure(description: "no answer to \(args.first ?? "") in time") }
            decoder.append(bytes)
        }
    }

    /// Opens a connection, asks once, closes.
    public static func call(port: Int, _ args: [String], timeoutMs: Int = 1000) throws -> RESPValue {
        try NodeClient(port: port, timeoutMs: timeoutMs).call(args)
    }
}

/// What `INFO raft` says about a node.
public struct RaftInfo: Sendable, Hashable {
    public var role: String
    public var term: UInt64?
    public var leader: String?
    public var members: [String]

    public init?(_ reply: RESPValue) {
        guard let text = reply.stringValue else { return nil }
        var fields: [String: String] = [:]
        for line in text.split(whereSeparator: \.isNewline) {
            guard let colon = line.firstIndex(of: ":") else { continue }
            fields[String(line[..<colon])] = String(line[line.index(after: colon)...]).trimmingCharacters(in: .whitespaces)
        }
        guard let role = fields["role"] else { return nil }
        self.role = role
        self.term = fields["term"].flatMap { UInt64($0) }
        self.leader = fields["leader"].flatMap { $0.isEmpty ? nil : $0 }
        self.members = fields["members"].map { $0.split(separator: ",").map(String.init) } ?? []
    }

    public static func ask(port: Int, timeoutMs: Int = 300) -> RaftInfo? {
        (try? NodeClient.call(port: port, ["INFO", "raft"], timeoutMs: timeoutMs)).flatMap(RaftInfo.init)
    }
}
