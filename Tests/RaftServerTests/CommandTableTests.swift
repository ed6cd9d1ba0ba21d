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
            #expect(flags(infos[1]) == ["readonly", "fast"])
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

    private func keyTriple(_ info: RESPValue) -> [Int64]? {
        guard case .array(let f?) = info, f.count == 10, case .integer(let a) = f[3], case .integer(let b) = f[4], case .integer(let c) = f[5]
        else { return nil }
        return [a, b, c]
    }

    /// Redis's COMMAND INFO: first key, last key (negative counts from the end), step; commands
    /// whose keys follow a numkeys argument say movablekeys and leave the finding to GETKEYS.
    @Test func commandInfoGivesRedisKeyPositionsGroupsAndCategories() throws {
        try withNode { (c: TestClient) throws in
            let expected: [(String, [Int64])] = [
                ("get", [1, 1, 1]), ("mset", [1, -1, 2]), ("del", [1, -1, 1]), ("blpop", [1, -2, 1]), ("lmove", [1, 2, 1]),
                ("bitop", [2, -1, 1]), ("zunionstore", [1, 1, 1]), ("zunion", [0, 0, 0]), ("watch", [1, -1, 1]), ("ping", [0, 0, 0]),
            ]
            for (name, triple) in expected {
                guard case .array(let infos?) = try c.call("COMMAND", "INFO", name), let info = infos.first else {
                    Issue.record("no COMMAND INFO for \(name)"); continue
                }
                #expect(keyTriple(info) == triple, "\(name)")
            }
            guard case .array(let z?) = try c.call("COMMAND", "INFO", "zunion"), let zunion = z.first else { Issue.record("zunion"); return }
            #expect(flags(zunion)?.contains("movablekeys") == true)
            guard case .array(let g?) = try c.call("COMMAND", "INFO", "get"), case .array(let fields?) = g.first,
                  case .array(let categories?) = fields[6] else { Issue.record("get"); return }
            #expect(categories.compactMap(\.stringValue) == ["@read", "@string", "@fast"])
            guard case .array(let docs?) = try c.call("COMMAND", "DOCS", "zadd"), docs.count == 2, case .array(let fields2?) = docs[1] else {
                Issue.record("COMMAND DOCS zadd"); return
            }
            let text = fields2.compactMap(\.stringValue)
            #expect(text.contains("sorted-set") && text.contains("1.2.0"), "\(text)")
        }
    }

    @Test func commandGetkeysFindsTheKeysOfAFullCommandLikeRedis() throws {
        try withNode { (c: TestClient) throws in
            #expect(try c.call("COMMAND", "GETKEYS", "MSET", "a", "1", "b", "2") == .array([.bulk("a"), .bulk("b")]))
            #expect(try c.call("COMMAND", "GETKEYS", "ZUNIONSTORE", "dst", "2", "a", "b", "WEIGHTS", "1", "2")
                == .array([.bulk("dst"), .bulk("a"), .bulk("b")]))
            #expect(try c.call("COMMAND", "GETKEYS", "BLPOP", "a", "b", "0") == .array([.bulk("a"), .bulk("b")]))
            #expect(try c.call("COMMAND", "GETKEYS", "LMPOP", "2", "x", "y", "LEFT") == .array([.bulk("x"), .bulk("y")]))
            #expect(try c.call("COMMAND", "GETKEYS", "PING") == .error("ERR The command has no key arguments"))
            #expect(try c.call("COMMAND", "GETKEYS", "NOSUCH", "a") == .error("ERR Invalid command specified"))
            #expect(try c.call("COMMAND", "GETKEYS", "GET") == .error("ERR Invalid number of arguments specified for command"))
            #expect(try c.call("COMMAND", "GETKEYS", "ZUNION", "9", "a") == .error("ERR Invalid arguments specified for command"))
            #expect(try c.call("COMMAND", "GETKEYS") == .error("ERR wrong number of arguments for 'command|getkeys' command"))
        }
    }
}
