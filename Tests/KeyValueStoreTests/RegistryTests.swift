import RESP
import Testing
@testable import KeyValueStore

@Suite struct RegistryTests {
    @Test func unknownCommandErrorListsArgumentsLikeRedis() {
        let h = Harness()
        #expect(h.run("foo", "a", "b") == .error("ERR unknown command 'foo', with args beginning with: 'a' 'b' "))
        #expect(h.run("foo") == .error("ERR unknown command 'foo', with args beginning with: "))
    }

    @Test func wrongArityErrorNamesTheCommandInLowerCase() {
        let h = Harness()
        #expect(h.run("GET") == .error("ERR wrong number of arguments for 'get' command"))
        #expect(h.run("get", "a", "b") == .error("ERR wrong number of arguments for 'get' command"))
        #expect(h.run("mset", "a", "1", "b") == .error("ERR wrong number of arguments for 'mset' command"))
    }

    @Test func lookupIsCaseInsensitive() {
        let h = Harness()
        #expect(h.run("SeT", "k", "v") == .ok)
        #expect(h.run("gEt", "k") == bulk("v"))
    }

    @Test func customCommandRegisteredThroughPublicRegistryIsReplicatedAndRead() throws {
        var registry = CommandRegistry.builtin()
        // An application's own write: APPENDLINE key text -> appends text + "\n", returns length.
        registry.register("appendline", kind: .write, arity: 3) { (c: CommandContext) throws(CommandError) -> RESPValue in
            let key = ByteKey(c.args[1])
            var s: [UInt8] = []
            if let v = c.store.value(key, now: c.now) {
                guard case .string(let old) = v else { throw CommandError("WRONGTYPE Operation against a key holding the wrong kind of value") }
                s = old
            }
            s += c.args[2] + [10]
            c.store.setValue(key, .string(s), keepTTL: true)
            return .integer(Int64(s.count))
        }
        registry.register("linecount", kind: .read, arity: 2) { (c: CommandContext) throws(CommandError) -> RESPValue in
            guard case .string(let s)? = c.store.value(ByteKey(c.args[1]), now: c.now) else { return .integer(0) }
            return .integer(Int64(s.filter { $0 == 10 }.count))
        }
        registry.register("ping", kind: .admin, arity: -1) { _ throws(CommandError) in .simpleString("PONG") }

        let h = Harness(registry: registry)
        #expect(h.run("APPENDLINE", "log", "one") == .integer(4))
        #expect(h.run("appendline", "log", "two") == .integer(8))
        #expect(h.run("LINECOUNT", "log") == .integer(2))
        #expect(h.run("get", "log") == bulk("one\ntwo\n"))
        #expect(h.run("appendline", "log") == .error("ERR wrong number of arguments for 'appendline' command"))
        #expect(try h.machine.classify([Array("PING".utf8)]).get() == .admin)

        // A second replica with the same registry reaches the same state from the log alone.
        let replica = KeyValueStateMachine(registry: registry)
        for e in h.log { _ = replica.apply(e) }
        #expect(replica.store == h.store)
    }

    @Test func readCommandsCannotBeProposedAndWritesCannotBeRead() {
        let h = Harness()
        guard case .reply(let r) = h.machine.prepare([Array("get".utf8), Array("k".utf8)], now: 1) else {
            Issue.record("a read was turned into a log entry"); return
        }
        #expect(r == .error("ERR 'get' is not a write command"))
        #expect(h.machine.read([Array("set".utf8), Array("k".utf8), Array("v".utf8)], now: 1)
                == .error("ERR 'set' is not a read command"))
        #expect(h.store.storedCount == 0)
    }

    @Test func malformedLogEntryIsRejectedWithoutChangingState() {
        let h = Harness()
        h.run("set", "k", "v")
        let before = h.store.snapshotBytes()
        for bad: [UInt8] in [[], [9], [1], [1, 0x80], [1, 5, 2, 3, 65], [1, 5, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0x01]] {
            #expect(h.machine.apply(bad) == .error("ERR malformed log entry"))
        }
        #expect(h.store.snapshotBytes() == before)
    }

    @Test func logEntryRoundTripsBinaryArguments() {
        let e = LogEntry(timestamp: 1_700_000_000_123, args: [Array("set".utf8), [0, 255, 13, 10], []])
        #expect(LogEntry.decode(e.encoded()) == e)
        #expect(e.encoded().count == 1 + 6 + 1 + 4 + 5 + 1)
    }

    /// The log keeps encoded entries in memory until a snapshot covers them: each is allocated
    /// at its exact size (what is left is malloc rounding, under 16 bytes), across every varint
    /// length (timestamps, counts, argument lengths).
    @Test func anEncodedLogEntryHoldsNoSpareCapacity() {
        let lengths = [0, 1, 127, 128, 16_383, 16_384, 70_000]
        for (i, n) in lengths.enumerated() {
            let ts: Int64 = [0, 1, 127, 128, 1_700_000_000_123, -1, Int64.max][i]
            let e = LogEntry(timestamp: ts, args: [Array("set".utf8), Array(repeating: 7, count: n), [UInt8](repeating: 1, count: i)])
            let bytes = e.encoded()
            #expect(LogEntry.decode(bytes) == e)
            #expect(bytes.capacity - bytes.count < 16, "an entry of \(bytes.count) bytes was given \(bytes.capacity)")
        }
    }
}
