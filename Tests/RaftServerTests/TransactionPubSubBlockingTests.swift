import Foundation
import RESP
import Testing

/// MULTI/EXEC/WATCH, Pub/Sub and blocking pops against real node processes, with Redis's
/// error texts and reply types (RESP2 and RESP3) as the specification.
@Suite(.serialized)
struct TransactionPubSubBlockingTests {
    static let script = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
        .appendingPathComponent("python/redis_py_transactions.py").path

    func soloNode() throws -> (NodeProcesses, Int) {
        let base = NodeProcesses.portBase()
        let node = NodeProcesses()
        try node.start(id: "1", port: base, arguments: ["-a", "127.0.0.1:\(base)", "-i", "1", "--tick-ms", "50", "--fsync", "never"])
        _ = try node.waitForLeader()
        return (node, base)
    }

    @Test func multiQueuesCommandsAndExecRunsThemWithRedisErrorTexts() throws {
        let (node, port) = try soloNode()
        defer { node.stopAll() }
        let c = try TestClient(port: port)
        #expect(try c.call("EXEC") == .error("ERR EXEC without MULTI"))
        #expect(try c.call("DISCARD") == .error("ERR DISCARD without MULTI"))
        #expect(try c.call("MULTI") == .ok)
        #expect(try c.call("MULTI") == .error("ERR MULTI calls can not be nested"))
        #expect(try c.call("WATCH", "k") == .error("ERR WATCH inside MULTI is not allowed"))
        #expect(try c.call("SET", "k", "1") == .simpleString("QUEUED"))
        #expect(try c.call("INCR", "k") == .simpleString("QUEUED"))
        #expect(try c.call("EXEC") == .array([.ok, .integer(2)]))

        #expect(try c.call("MULTI") == .ok)
        #expect(try c.call("SET", "x") == .error("ERR wrong number of arguments for 'set' command"))
        #expect(try c.call("SET", "x", "1") == .simpleString("QUEUED"))
        #expect(try c.call("EXEC") == .error("EXECABORT Transaction discarded because of previous errors."))
        #expect(try c.call("EXISTS", "x") == .integer(0))

        #expect(try c.call("MULTI") == .ok)
        #expect(try c.call("SET", "x", "1") == .simpleString("QUEUED"))
        #expect(try c.call("DISCARD") == .ok)
        #expect(try c.call("EXISTS", "x") == .integer(0))
        #expect(try c.call("MULTI") == .ok)
        #expect(try c.call("EXEC") == .array([]))
    }

    @Test func watchMakesExecReplyNullWhenTheKeyChangedAndUnwatchForgets() throws {
        let (node, port) = try soloNode()
        defer { node.stopAll() }
        let c = try TestClient(port: port), other = try TestClient(port: port)
        _ = try c.call("SET", "k", "1")
        #expect(try c.call("WATCH", "k") == .ok)
        _ = try other.call("SET", "k", "2")
        _ = try c.call("MULTI")
        _ = try c.call("SET", "k", "mine")
        #expect(try c.call("EXEC") == .array(nil), "RESP2's *-1")
        #expect(try c.call("GET", "k") == .bulk("2"))

        #expect(try c.call("WATCH", "k") == .ok)
        _ = try other.call("SET", "k", "3")
        #expect(try c.call("UNWATCH") == .ok)
        _ = try c.call("MULTI")
        _ = try c.call("SET", "k", "mine")
        #expect(try c.call("EXEC") == .array([.ok]))

        _ = try c.call("HELLO", "3")
        #expect(try c.call("WATCH", "k") == .ok)
        _ = try other.call("DEL", "k")
        _ = try c.call("MULTI")
        _ = try c.call("SET", "k", "again")
        #expect(try c.call("EXEC") == .null, "RESP3's _")
    }

    @Test func subscribersGetConfirmationsAndMessagesAsPushesInResp3AndArraysInResp2() throws {
        let (node, port) = try soloNode()
        defer { node.stopAll() }
        let resp2 = try TestClient(port: port), resp3 = try TestClient(port: port), publisher = try TestClient(port: port)
        _ = try resp3.call("HELLO", "3")
        #expect(try resp2.call("SUBSCRIBE", "a", "b") == .array([.bulk("subscribe"), .bulk("a"), .integer(1)]))
        #expect(try resp2.readReply() == .array([.bulk("subscribe"), .bulk("b"), .integer(2)]))
        #expect(try resp3.call("PSUBSCRIBE", "a*") == .push([.bulk("psubscribe"), .bulk("a*"), .integer(1)]))
        #expect(try publisher.call("PUBLISH", "a", "hi") == .integer(2))
        #expect(try resp2.readReply() == .array([.bulk("message"), .bulk("a"), .bulk("hi")]))
        #expect(try resp3.readReply() == .push([.bulk("pmessage"), .bulk("a*"), .bulk("a"), .bulk("hi")]))
        // RESP2 subscribed mode allows only (un)subscribing, PING and QUIT; RESP3 runs anything.
        #expect(try resp2.call("GET", "a") == .error("ERR Can't execute 'get': only (P|S)SUBSCRIBE / (P|S)UNSUBSCRIBE / PING / QUIT / RESET are allowed in this context"))
        #expect(try resp2.call("PING") == .array([.bulk("pong"), .bulk("")]))
        #expect(try resp3.call("GET", "a") == .null)
        #expect(try publisher.call("PUBSUB", "NUMSUB", "a", "zz") == .array([.bulk("a"), .integer(1), .bulk("zz"), .integer(0)]))
        #expect(try publisher.call("PUBSUB", "NUMPAT") == .integer(1))
        #expect(try publisher.call("PUBSUB", "CHANNELS") == .array([.bulk("a"), .bulk("b")]))
        #expect(try resp2.call("UNSUBSCRIBE") == .array([.bulk("unsubscribe"), .bulk("a"), .integer(1)]))
        #expect(try resp2.readReply() == .array([.bulk("unsubscribe"), .bulk("b"), .integer(0)]))
        #expect(try resp2.call("GET", "a") == .nullBulk, "back to normal after the last unsubscribe")
    }

    @Test func blockingPopsTimeOutWithNullAndCheckTheirArgumentsLikeRedis() throws {
        let (node, port) = try soloNode()
        defer { node.stopAll() }
        let c = try TestClient(port: port)
        #expect(try c.call("BLPOP", "q", "-1") == .error("ERR timeout is negative"))
        #expect(try c.call("BLPOP", "q", "soon") == .error("ERR timeout is not a float or out of range"))
        #expect(try c.call("BLMPOP", "0.1", "0", "q", "LEFT") == .error("ERR numkeys should be greater than 0"))
        let started = Date()
        #expect(try c.call("BLPOP", "q", "0.2") == .array(nil))
        #expect(Date().timeIntervalSince(started) >= 0.15)
        #expect(try c.call("BLMOVE", "q", "d", "LEFT", "RIGHT", "0.1") == .nullBulk)
        _ = try c.call("HELLO", "3")
        #expect(try c.call("BZPOPMIN", "z", "0.1") == .null)
        _ = try c.call("SET", "s", "v")
        #expect(try c.call("BLPOP", "s", "1") == .error("WRONGTYPE Operation against a key holding the wrong kind of value"))
        // Inside MULTI a blocking pop never blocks, as in Redis.
        _ = try c.call("MULTI")
        _ = try c.call("BLPOP", "q", "0")
        _ = try c.call("RPUSH", "q", "a")
        _ = try c.call("BLPOP", "q", "0")
        #expect(try c.call("EXEC") == .array([.null, .integer(1), .array([.bulk("q"), .bulk("a")])]))
    }

    @Test func aBlockedClientIsWokenByAnotherClientsPushAndTheNextCommandWaitsForIt() throws {
        let (node, port) = try soloNode()
        defer { node.stopAll() }
        let waiter = try TestClient(port: port), pusher = try TestClient(port: port)
        // Pipelined: the GET must not run before the BLPOP is served.
        try waiter.sendRaw(TestClient.encode(["BLPOP", "jobs", "5"]) + TestClient.encode(["GET", "seen"]))
        Thread.sleep(forTimeInterval: 0.3)
        _ = try pusher.call("SET", "seen", "after-push")
        #expect(try pusher.call("RPUSH", "jobs", "j1") == .integer(1))
        #expect(try waiter.readReply() == .array([.bulk("jobs"), .bulk("j1")]))
        #expect(try waiter.readReply() == .bulk("after-push"))
    }

    @Test func commandCountAndListNameTheNewCommands() throws {
        let (node, port) = try soloNode()
        defer { node.stopAll() }
        let c = try TestClient(port: port)
        guard case .array(let names?) = try c.call("COMMAND", "LIST") else { Issue.record("COMMAND LIST is not an array"); return }
        let listed = Set(names.compactMap(\.text))
        for name in ["multi", "exec", "discard", "watch", "unwatch", "subscribe", "psubscribe", "unsubscribe",
                     "punsubscribe", "publish", "pubsub", "blpop", "brpop", "blmove", "blmpop", "bzpopmin", "bzpopmax", "brpoplpush"] {
            #expect(listed.contains(name), "\(name)")
        }
        #expect(try c.call("COMMAND", "COUNT") == .integer(Int64(listed.count)))
    }

    @Test func transactionsSurviveKillNineAndRestartOnEveryReplica() throws {
        let cluster = DurableCluster()
        defer { cluster.stop() }
        try cluster.startAll()
        let leader = try cluster.leader()
        let follower = cluster.ids.first { $0 != leader }!
        let c = try TestClient(port: cluster.port(follower))
        _ = try c.call("MULTI")
        _ = try c.call("SET", "t:a", "1")
        _ = try c.call("SADD", "t:s", "x", "y")
        _ = try c.call("ZADD", "t:z", "2", "m")
        #expect(try c.call("EXEC") == .array([.ok, .integer(2), .integer(1)]))
        _ = try TestClient(port: cluster.port(leader)).call("CHECKPOINT")
        try waitUntilConverged(cluster)
        cluster.kill(follower)
        try cluster.start(follower)
        try cluster.processes.waitForPort(cluster.port(follower))
        try waitUntilConverged(cluster)
        for id in cluster.ids {
            let r = try TestClient(port: cluster.port(id))
            #expect(try r.call("GET", "t:a") == .bulk("1"), "node \(id)")
            #expect(try r.call("SCARD", "t:s") == .integer(2), "node \(id)")
            #expect(try r.call("ZSCORE", "t:z", "m") == .bulk("2"), "node \(id)")
        }
    }

    @Test(.enabled(if: RedisPyTests.unavailable == nil, "needs python3 and redis-py 5+ (python3 -m pip install redis)"))
    func redisPyPipelinesWatchRetriesPubSubAndBlockingPopsAcrossACluster() throws {
        let cluster = NodeProcesses()
        defer { cluster.stopAll() }
        try cluster.startCluster(size: 3, base: NodeProcesses.portBase())
        let leader = try cluster.waitForLeader()
        let followers = cluster.nodes.filter { $0.id != leader.id }.map { String($0.port) }
        let (status, output) = RedisPyTests.run(["python3", Self.script, String(leader.port)] + followers, seconds: 120)
        #expect(status == 0, "redis_py_transactions.py exited \(status):\n\(output)\n\(status == 0 ? "" : cluster.logs())")
        #expect(output.contains("all checks passed"), "\(output)")
    }
}

/// What clients and tools ask at start: several INFO sections at once, Redis's tuning parameters.
@Suite(.serialized)
struct InfoAndConfigTests {
    @Test func infoAnswersEverySectionAskedForAndConfigStoresTuningParameters() throws {
        let base = NodeProcesses.portBase()
        let node = NodeProcesses()
        defer { node.stopAll() }
        try node.start(id: "1", port: base, arguments: ["-a", "127.0.0.1:\(base)", "-i", "1", "--tick-ms", "50", "--fsync", "never"])
        _ = try node.waitForLeader()
        let c = try TestClient(port: base)
        let info = try c.call("INFO", "server", "CLIENTS").text ?? ""
        #expect(info.contains("# Server\r\n") && info.contains("redis_version:") && info.contains("# Clients\r\n"), "\(info)")
        #expect(!info.contains("# Keyspace"))
        #expect(try c.call("CONFIG", "SET", "hash-max-ziplist-entries", "256", "zset-max-listpack-value", "32") == .ok)
        #expect(try c.call("CONFIG", "GET", "hash-max-listpack-entries") == .array([.bulk("hash-max-listpack-entries"), .bulk("256")]))
        #expect(try c.call("CONFIG", "GET", "zset-max-ziplist-value") == .array([.bulk("zset-max-ziplist-value"), .bulk("32")]))
        #expect(try c.call("CONFIG", "SET", "set-max-intset-entries", "many") == .error("ERR CONFIG SET failed (possibly related to argument 'set-max-intset-entries') - argument couldn't be parsed into an integer"))
        #expect(try c.call("CONFIG", "SET", "no-such-parameter", "1") == .error("ERR Unknown option or number of arguments for CONFIG SET - 'no-such-parameter'"))
    }

    @Test func roleNamesTheLeaderAsMasterAndTheOthersAsItsReplicas() throws {
        let cluster = NodeProcesses()
        defer { cluster.stopAll() }
        try cluster.startCluster(size: 3, base: NodeProcesses.portBase())
        let leader = try cluster.waitForLeader()
        _ = try TestClient(port: leader.port).call("SET", "r", "1")
        guard case .array(let l?) = try TestClient(port: leader.port).call("ROLE"), l.count == 3, case .array(let replicas?) = l[2] else {
            Issue.record("leader's ROLE is not [master, offset, replicas]"); return
        }
        #expect(l[0] == .bulk("master"))
        #expect(replicas.count == 2)
        for node in cluster.nodes where node.id != leader.id {
            let reply = try TestClient(port: node.port).call("ROLE")
            guard case .array(let f?) = reply, f.count == 5 else { Issue.record("follower's ROLE: \(reply)"); continue }
            #expect(f[0] == .bulk("slave"))
            #expect(f[1] == .bulk("127.0.0.1") && f[2] == .integer(Int64(leader.port)), "\(f)")
            #expect(f[3] == .bulk("connected"))
        }
    }
}
