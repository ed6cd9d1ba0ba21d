import KeyValueStore
import RESP
import Testing

@testable import RaftServer

/// The node's one command table and the policies checked on what it resolves.
struct CommandTableTests {
    let table = CommandTable(registry: .builtin())

    private func words(_ w: String...) -> [[UInt8]] { w.map { Array($0.utf8) } }

    private func resolved(_ w: String...) throws -> ResolvedCommand {
        try table.resolve(w.map { Array($0.utf8) }).get()
    }

    @Test func holdsTheNodesCommandsAndTheStoresOnceEach() {
        let names = table.entries.map(\.name)
        #expect(Set(names).count == names.count)
        #expect(names == names.sorted())
        #expect(table.entries.count == NodeCommand.all.count + CommandRegistry.builtin().commandNames.count)
        for node in ["ping", "info", "auth", "hello", "command", "config", "client", "checkpoint", "raft.add", "raft.status", "add_node"] {
            #expect(names.contains(node), "\(node) missing")
        }
        for data in ["set", "get", "incr", "lpush", "zadd"] { #expect(names.contains(data), "\(data) missing") }
    }

    @Test func resolvesAnySpellingOfAName() throws {
        #expect(try resolved("SET", "k", "v").name == "set")
        #expect(try resolved("sEt", "k", "v").name == "set")
        #expect(try resolved("PING").name == "ping")
        #expect(try resolved("Raft.Status").name == "raft.status")
    }

    @Test func anUnknownCommandGetsRedisText() {
        guard case .failure(let e) = table.resolve(words("NOSUCH", "a", "b")) else { Issue.record("resolved"); return }
        #expect(e.reply == .error("ERR unknown command 'NOSUCH', with args beginning with: 'a' 'b' "))
    }

    @Test func aWrongArgumentCountGetsRedisText() {
        for (request, name) in [(words("GET"), "get"), (words("SET", "k"), "set"), (words("ECHO"), "echo"), (words("TIME", "x"), "time"), (words("CONFIG"), "config")] {
            guard case .failure(let e) = table.resolve(request) else { Issue.record("\(name) resolved"); continue }
            #expect(e.reply == .error("ERR wrong number of arguments for '\(name)' command"))
        }
    }

    @Test func writesReadsAndAdminCommandsCarryRedisFlags() throws {
        #expect(try resolved("SET", "k", "v").flags.names == ["write"], "Redis 7.2: SET is write (not fast)")
        #expect(try resolved("GET", "k").flags.names == ["readonly", "fast"], "Redis 7.2: GET is readonly fast")
        #expect(try resolved("CONFIG", "GET", "x").flags.contains(.admin))
        #expect(try resolved("RAFT.ADD", "2", "127.0.0.1:1").flags.contains(.admin))
        #expect(try resolved("AUTH", "pw").flags.names.contains("no_auth"))
        #expect(try !resolved("PING").flags.contains(.noAuth))
    }

    @Test func aWriteResolvesToItsStoreCommandAndANodeCommandToTheNode() throws {
        guard case .data(let set) = try resolved("SET", "k", "v").entry.route else { Issue.record("SET is not data"); return }
        #expect(set.kind == .write)
        guard case .node(.membership) = try resolved("DEL_NODE", "2").entry.route else { Issue.record("DEL_NODE is not membership"); return }
    }

    @Test func authIsRequiredBeforeAnythingButAuthHelloAndQuit() {
        let policy = CommandPolicy(password: Array("pw".utf8), operations: ServerOperations())
        for entry in table.entries {
            let command = ResolvedCommand(entry: entry, arguments: [Array(entry.name.utf8)])
            let refusal = policy.refusal(for: command, authenticated: false)
            if ["auth", "hello", "quit"].contains(entry.name) {
                #expect(refusal == nil, "\(entry.name) refused before AUTH")
            } else {
                #expect(refusal == .error("NOAUTH Authentication required."), "\(entry.name) ran before AUTH")
            }
            #expect(policy.refusal(for: command, authenticated: true) == nil)
        }
        let open = CommandPolicy(password: nil, operations: ServerOperations())
        #expect(open.refusal(for: ResolvedCommand(entry: table.entries[0], arguments: []), authenticated: false) == nil)
    }

    @Test func drainingRefusesWritesAndReadsButStillLetsAClientQuit() throws {
        let operations = ServerOperations()
        let policy = CommandPolicy(password: nil, operations: operations)
        #expect(policy.refusal(for: try resolved("SET", "k", "v"), authenticated: false) == nil)
        operations.beginDraining()
        #expect(policy.refusal(for: try resolved("SET", "k", "v"), authenticated: false) == .error("TRYAGAIN node is shutting down"))
        #expect(policy.refusal(for: try resolved("GET", "k"), authenticated: false) == .error("TRYAGAIN node is shutting down"))
        #expect(policy.refusal(for: try resolved("PING"), authenticated: false) == .error("TRYAGAIN node is shutting down"))
        #expect(policy.refusal(for: try resolved("QUIT"), authenticated: false) == nil)
    }

    @Test func anApplicationCannotRegisterUnderANodeCommandsName() async throws {
        let server = RaftServer(options: RaftServerOptions(clientAddress: NodeAddress(host: "127.0.0.1", port: 1)), eventLoopThreads: 1)
        for name in ["ping", "INFO", "Raft.Add", "checkpoint"] {
            #expect(throws: NodeOptionError.self, "\(name) was registered") {
                try server.register(name, kind: .read, arity: 1) { _ throws(CommandError) in .ok }
            }
        }
        try server.register("app.ping", kind: .read, arity: 1) { _ throws(CommandError) in .ok }
        await server.shutdown()
    }
}
