import RESP
import Testing
@testable import KeyValueStore

/// MULTI/EXEC as the state machine sees it: one `exec` entry with the queued commands and the
/// fingerprints WATCH observed (the connection's queueing is tested against a real node).
@Suite struct TransactionTests {
    func exec(_ h: Harness, watched: [(String, UInt64)] = [], _ commands: [String]...) -> RESPValue {
        let t = TransactionEntry(
            watched: watched.map { (ByteKey(Array($0.0.utf8)), $0.1) },
            commands: commands.map { $0.map { Array($0.utf8) } })
        return h.run(t.arguments)
    }

    func watch(_ h: Harness, _ keys: String...) -> [UInt64] {
        let reply = h.run([Array("TXN.WATCH".utf8)] + keys.map { Array($0.utf8) })
        return KeyValueStateMachine.fingerprints(fromWatchReply: reply, count: keys.count) ?? []
    }

    @Test func execRunsTheQueuedCommandsInOrderAndRepliesWithEachReply() {
        let h = Harness()
        let reply = exec(h, ["SET", "k", "1"], ["INCR", "k"], ["GET", "k"], ["LPUSH", "l", "a", "b"])
        #expect(reply == .array([.ok, .integer(2), bulk("2"), .integer(2)]))
        #expect(h.log.count == 1, "the whole transaction is one log entry")
    }

    @Test func anErrorInsideExecIsThatCommandsReplyAndTheOthersStillRun() {
        let h = Harness()
        let reply = exec(h, ["SET", "s", "text"], ["INCR", "s"], ["SET", "after", "yes"], ["SET", "t", "v", "EX", "-5"])
        #expect(reply == .array([.ok, notInteger, .ok, .error("ERR invalid expire time in 'set' command")]))
        #expect(h.run("GET", "after") == bulk("yes"))
    }

    @Test func aCommandThatCannotBeQueuedAbortsTheWholeExec() {
        let h = Harness()
        #expect(h.machine.queueError(["NOSUCH", "x"].map { Array($0.utf8) }) != nil)
        #expect(h.machine.queueError(["GET"].map { Array($0.utf8) }) == .wrongArity("get"))
        #expect(exec(h, ["SET", "a", "1"], ["NOSUCH"]) == .error("EXECABORT Transaction discarded because of previous errors."))
        #expect(h.run("EXISTS", "a") == .integer(0))
        #expect(h.log.isEmpty, "an aborted EXEC never enters the log")
    }

    @Test func relativeExpiryInsideExecBecomesAbsoluteOnTheLeader() {
        let h = Harness()
        _ = exec(h, ["SET", "k", "v", "EX", "10"])
        let entry = LogEntry.decode(h.log[0])!
        #expect(entry.args.contains(Array("PXAT".utf8)))
        h.advance(ms: 11_000)
        #expect(h.run("GET", "k") == .nullBulk)
    }

    @Test func execRunsWhenNoWatchedKeyChanged() {
        let h = Harness()
        h.run("SET", "balance", "10")
        let seen = watch(h, "balance", "missing")
        #expect(seen.count == 2)
        #expect(seen[1] == 0, "a missing key's fingerprint is 0")
        let reply = exec(h, watched: [("balance", seen[0]), ("missing", seen[1])], ["INCRBY", "balance", "5"])
        #expect(reply == .array([.integer(15)]))
    }

    @Test func execRepliesNullAndDoesNothingWhenAWatchedKeyWasModifiedDeletedOrExpired() {
        let h = Harness()
        h.run("SET", "k", "1")
        let before = watch(h, "k")[0]
        h.run("SET", "k", "2")
        #expect(exec(h, watched: [("k", before)], ["SET", "k", "tx"]) == .array(nil))
        #expect(h.run("GET", "k") == bulk("2"))

        let present = watch(h, "k")[0]
        h.run("DEL", "k")
        #expect(exec(h, watched: [("k", present)], ["SET", "x", "1"]) == .array(nil))
        #expect(h.run("EXISTS", "x") == .integer(0))

        let absent = watch(h, "k")[0]
        h.run("SET", "k", "new")
        #expect(exec(h, watched: [("k", absent)], ["SET", "x", "1"]) == .array(nil))

        h.run("SET", "e", "v", "PX", "100")
        let expiring = watch(h, "e")[0]
        h.advance(ms: 200)
        #expect(exec(h, watched: [("e", expiring)], ["SET", "x", "1"]) == .array(nil))
        // RESP2 clients see *-1, RESP3 clients _ (Redis's null reply for an aborted EXEC).
        #expect(RESPEncoder.encode(.array(nil), version: .resp2) == Array("*-1\r\n".utf8))
    }

    @Test func fingerprintsSeeEveryKindOfValueAndItsDeadline() {
        let h = Harness()
        h.run("HSET", "h", "f", "1")
        h.run("SADD", "s", "a")
        h.run("ZADD", "z", "1", "a")
        h.run("RPUSH", "l", "a", "b")
        let before = watch(h, "h", "s", "z", "l")
        h.run("HSET", "h", "f", "2")
        h.run("SADD", "s", "b")
        h.run("ZADD", "z", "2", "a")
        h.run("LSET", "l", "0", "c")
        let after = watch(h, "h", "s", "z", "l")
        for i in 0..<4 { #expect(before[i] != after[i]) }
        h.run("EXPIRE", "l", "100")
        #expect(watch(h, "l")[0] != after[3])
    }

    @Test func everyReplicaTakesTheSameDecision() {
        let h = Harness()
        h.run("SET", "k", "1")
        let seen = watch(h, "k")[0]
        h.run("SET", "k", "2")
        _ = exec(h, watched: [("k", seen)], ["SET", "k", "lost"])
        _ = exec(h, watched: [("k", watch(h, "k")[0])], ["SPOP", "none"], ["SET", "k", "won"])
        let replica = KeyValueStateMachine()
        for e in h.log { _ = replica.apply(e) }
        #expect(replica.store == h.store)
        #expect(replica.read(["GET", "k"].map { Array($0.utf8) }, now: h.now) == bulk("won"))
    }

    @Test func malformedTransactionEntriesAreRefusedWithoutTrapping() {
        let m = KeyValueStateMachine()
        for args in [["txn.exec"], ["txn.exec", "1"], ["txn.exec", "0", "1", "5", "get"], ["txn.exec", "-1", "0"], ["txn.exec", "0", "1", "0"], ["TXN.EXEC", "1", "k", "nan", "0"]] {
            let reply = m.apply(LogEntry(timestamp: 1, args: args.map { Array($0.utf8) }))
            #expect(reply == .error("ERR malformed transaction entry"), "\(args)")
        }
    }
}

/// Blocking pops as the state machine applies them: never blocking (the waiting is the node's).
@Suite struct BlockingPopApplyTests {
    @Test func blockingPopsPopAtOnceOrReplyNull() {
        let h = Harness()
        #expect(h.run("BLPOP", "a", "b", "0") == .array(nil))
        h.run("RPUSH", "b", "1", "2")
        #expect(h.run("BLPOP", "a", "b", "0") == bulks("b", "1"))
        #expect(h.run("BRPOP", "a", "b", "1.5") == bulks("b", "2"))
        #expect(h.run("EXISTS", "b") == .integer(0))
        h.run("ZADD", "z", "1", "x", "2", "y")
        #expect(h.run("BZPOPMAX", "z", "0") == .array([bulk("z"), bulk("y"), .double(2)]))
        #expect(h.run("BZPOPMIN", "none", "z", "0") == .array([bulk("z"), bulk("x"), .double(1)]))
        h.run("RPUSH", "src", "e")
        #expect(h.run("BLMOVE", "src", "dst", "LEFT", "RIGHT", "0") == bulk("e"))
        #expect(h.run("BRPOPLPUSH", "src", "dst", "0") == .nullBulk)
        h.run("RPUSH", "l", "1", "2", "3")
        #expect(h.run("BLMPOP", "0", "2", "none", "l", "RIGHT", "COUNT", "2") == .array([bulk("l"), bulks("3", "2")]))
    }

    @Test func blockingPopArgumentsAreCheckedLikeRedis() {
        let h = Harness()
        #expect(h.run("BLPOP", "a", "-1") == .error("ERR timeout is negative"))
        #expect(h.run("BLPOP", "a", "x") == .error("ERR timeout is not a float or out of range"))
        #expect(h.run("BLPOP", "a", "inf") == .error("ERR timeout is not a float or out of range"))
        #expect(h.run("BLMOVE", "a", "b", "UP", "LEFT", "0") == syntaxError)
        h.run("SET", "s", "v")
        #expect(h.run("BLPOP", "s", "0") == wrongType)
        let spec = try? BlockingCommands.spec(["BLMPOP", "2.5", "2", "k1", "k2", "LEFT"].map { Array($0.utf8) })?.get()
        #expect(spec?.keys == ["k1", "k2"])
        #expect(spec?.timeoutMilliseconds == 2500)
        let forever = try? BlockingCommands.spec(["BLPOP", "k", "0"].map { Array($0.utf8) })?.get()
        #expect(forever != nil && forever?.timeoutMilliseconds == nil, "0 waits forever")
        #expect(BlockingCommands.spec(["LPOP", "k"].map { Array($0.utf8) }) == nil)
    }
}
