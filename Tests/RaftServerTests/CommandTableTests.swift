import Foundation
import RESP
import Testing

/// What a client learns about the node's commands (COMMAND and its subcommands) agrees with
/// what the node resolves: one table answers both.
@Suite(.serialized)
struct CommandTableTests {
    private func withNode(_ body: (TestClient) throws -> Void) throws {
        let base = NodeProcesses.portBase()
        let cluster = NodeProcesses()
        defer { cluster.stopAll() }
        try cluster.start(id: "1", port: base, arguments: ["-a", "127.0.0.1:\(base)", "-i", "1", "--in-memory"])
        try cluster.waitForPort(base)
        try body(try TestClient(port: base))
    }

    private func flags(_ info: RESPValue) -> [String]? {
        guard case .array(let fields?) = info, fields.count == 10, case .array(let flags?) = fields[2] else { return nil }
        return flags.compactMap(\.stringValue)
    }

    @Test func commandCountIsTheNumberOfCommandsTheNodeLists() throws {
        try withNode { (c: TestClient) throws in
            guard case .integer(let count) = try c.call("COMMAND", "COUNT") else { Issue.record("COUNT is not an integer"); return }
            guard case .array(let names?) = try c.call("COMMAND", "LIST") else { Issue.record("LIST is not an array"); return }
            guard case .array(let all?) = try c.call("COMMAND") else { Issue.record("COMMAND is not an array"); return }
            #expect(Int(count) == names.count)
            #expect(Int(count) == all.count)
            let listed = Set(names.compactMap(\.stringValue))
            for name in ["set", "get", "ping", "info", "auth", "hello", "command", "checkpoint", "raft.status"] {
                #expect(listed.contains(name), "COMMAND LIST lacks \(name)")
            }
            // Every listed command resolves: none of them is unknown to the node.
            for name in listed {
                let reply = try c.call("COMMAND", "INFO", name)
                guard case .array(let one?) = reply, one.count == 1, case .array(let fields?) = one[0] else {
                    Issue.record("COMMAND INFO \(name): \(reply)"); continue
                }
                #expect(fields.first?.stringValue == name)
            }
        }
    }

    @Test func commandInfoShowsWhetherACommandWritesReadsOrAdministers() throws {
        try withNode { (c: TestClient) throws in
            guard case .array(let infos?) = try c.call("COMMAND", "INFO", "SET", "get", "config", "nosuch"), infos.count == 4 else {
                Issue.record("COMMAND INFO did not answer four entries"); return
            }
            #expect(flags(infos[0]) == ["write"])
            #expect(flags(infos[1]) == ["readonly"])
            #expect(flags(infos[2])?.contains("admin") == true)
            #expect(infos[3] == .nullBulk)
            guard case .array(let set?) = infos[0] else { return }
            #expect(set[1] == .integer(-3))  // SET k v [options]: Redis's arity
        }
    }

    @Test func commandDocsNamesEveryCommandAsked() throws {
        try withNode { (c: TestClient) throws in
            guard case .array(let flat?) = try c.call("COMMAND", "DOCS", "ping", "set", "nosuch") else {
                Issue.record("COMMAND DOCS is not a RESP2 map"); return
            }
            #expect(flat.enumerated().filter { $0.offset % 2 == 0 }.compactMap(\.element.stringValue) == ["ping", "set"])
            // Redis documents three fields as always present.
            for case .array(let doc?) in flat {
                let keys = doc.enumerated().filter { $0.offset % 2 == 0 }.compactMap(\.element.stringValue)
                #expect(keys == ["summary", "since", "group"])
            }
            #expect(flat.count == 4)
        }
    }

    @Test func unknownCommandsAndWrongArgumentCountsGetRedisTexts() throws {
        try withNode { (c: TestClient) throws in
            #expect(try c.call("NOSUCH", "a", "b") == .error("ERR unknown command 'NOSUCH', with args beginning with: 'a' 'b' "))
            #expect(try c.call("GET") == .error("ERR wrong number of arguments for 'get' command"))
            #expect(try c.call("ECHO") == .error("ERR wrong number of arguments for 'echo' command"))
            #expect(try c.call("TIME", "now") == .error("ERR wrong number of arguments for 'time' command"))
            #expect(try c.call("COMMAND", "COUNT", "x") == .error("ERR wrong number of arguments for 'command|count' command"))
            #expect(try c.call("COMMAND", "NOPE") == .error("ERR unknown subcommand 'NOPE'. Try COMMAND HELP."))
        }
    }
}
