import Foundation
import RESP
import Testing

/// Every data type the node stores reads back the same on every replica after the paths a value
/// can take to a replica: log replay, automatic snapshots (`--log-max`), a follower brought back
/// by InstallSnapshot, a transaction entry, commands whose result the leader decides (SPOP,
/// ZPOPMIN), and kill -9 of the whole cluster. A type whose snapshot encoding or apply differed
/// by path would read back differently on some node.
@Suite(.serialized)
struct EveryTypeDurabilityTests {
    /// One round of writes touching every type; `r` keeps each round's keys apart.
    static func writeEveryType(_ c: TestClient, round r: Int) throws {
        let writes: [[String]] = [
            ["RPUSH", "l:\(r)", "a", "b", "c"], ["LPUSH", "l:\(r)", "z"], ["LINSERT", "l:\(r)", "BEFORE", "b", "x"],
            ["LMOVE", "l:\(r)", "l2:\(r)", "RIGHT", "LEFT"],
            ["HSET", "h:\(r)", "f1", "v1", "f2", "v2"], ["HINCRBY", "h:\(r)", "n", "5"], ["HINCRBYFLOAT", "h:\(r)", "fl", "1.5"],
            ["SADD", "s:\(r)"] + (1...12).map { "m\($0)" }, ["SREM", "s:\(r)", "m1"], ["SPOP", "s:\(r)", "3"],
            ["SINTERSTORE", "si:\(r)", "s:\(r)", "s:\(r)"],
            ["ZADD", "z:\(r)", "1", "a", "2.5", "b", "-3", "c", "7", "d"], ["ZINCRBY", "z:\(r)", "0.1", "a"], ["ZPOPMIN", "z:\(r)"],
            ["ZUNIONSTORE", "zu:\(r)", "2", "z:\(r)", "z:\(r)", "WEIGHTS", "1", "2"],
            ["PFADD", "hll:\(r)", "x", "y", "z", "w"],
            ["SETBIT", "bit:\(r)", "7", "1"], ["SETBIT", "bit:\(r)", "100", "1"],
            ["SET", "str:\(r)", "value \(r)", "PX", "600000"], ["INCRBYFLOAT", "f:\(r)", "0.1"], ["APPEND", "str:\(r)", "!"],
        ]
        for w in writes {
            let reply = try c.call(w)
            #expect(!reply.isError, "\(w) -> \(reply)")
        }
        // A transaction is one log entry: its writes land together on every replica.
        #expect(try c.call("MULTI") == .simpleString("OK"))
        _ = try c.call("SADD", "tx:\(r)", "p", "q")
        _ = try c.call("ZADD", "tx:z:\(r)", "4", "p")
        _ = try c.call("HSET", "tx:h:\(r)", "k", "v")
        let exec = try c.call("EXEC")
        #expect(exec == .array([.integer(2), .integer(1), .integer(1)]), "EXEC -> \(exec)")
    }

    /// Plain writes, enough to pass `--log-max` so snapshots are taken and the log compacted.
    static func filler(_ c: TestClient, round r: Int, count: Int = 40) throws {
        for i in 0..<count { #expect(try c.call("SET", "fill:\(r):\(i)", "\(i)") == .simpleString("OK")) }
    }

    static func texts(_ v: RESPValue) -> [String] {
        switch v {
        case .array(let items?), .set(let items): items.map { $0.text ?? "\($0)" }
        case .map(let pairs): pairs.flatMap { [$0.key.text ?? "\($0.key)", $0.value.text ?? "\($0.value)"] }
        default: ["\(v)"]
        }
    }

    /// What a client reads of every key, independent of a replica's internal layout
    /// (set members and hash fields sorted; bitmaps and HyperLogLogs read through their commands).
    static func observe(_ c: TestClient) throws -> [String] {
        let keys = texts(try c.call("KEYS", "*")).sorted()
        var seen: [String] = []
        for key in keys where !key.hasPrefix("__converge") {
            let type = try c.call("TYPE", key).text ?? "?"
            var value: String
            switch type {
            case "list": value = texts(try c.call("LRANGE", key, "0", "-1")).joined(separator: ",")
            case "hash":
                let pairs = texts(try c.call("HGETALL", key))
                value = stride(from: 0, to: pairs.count - 1, by: 2).map { "\(pairs[$0])=\(pairs[$0 + 1])" }.sorted().joined(separator: ",")
            case "set": value = texts(try c.call("SMEMBERS", key)).sorted().joined(separator: ",")
            case "zset": value = texts(try c.call("ZRANGE", key, "0", "-1", "WITHSCORES")).joined(separator: ",")
            case "string" where key.hasPrefix("hll:"): value = "count \(try c.call("PFCOUNT", key))"
            case "string" where key.hasPrefix("bit:"):
                value = "bits \(try c.call("BITCOUNT", key)) \(try c.call("GETBIT", key, "100")) \(try c.call("STRLEN", key))"
            case "string": value = try c.call("GET", key).text ?? "nil"
            default: value = "unexpected type"
            }
            let ttl: String
            switch try c.call("PTTL", key) {
            case .integer(let ms): ttl = ms > 0 ? " (expires)" : ""
            case let other: ttl = " (PTTL \(other))"
            }
            seen.append("\(key) \(type) \(value)\(ttl)")
        }
        return seen
    }

    @Test func everyTypeReadsTheSameOnEveryReplicaAfterSnapshotsInstallSnapshotAndKillNine() throws {
        let cluster = DurableCluster(extra: ["--log-max", "20", "--fsync", "always"])
        defer { cluster.stop() }
        try cluster.startAll()
        let leader = try cluster.leader()
        let follower = cluster.ids.first { $0 != leader }!
        let viaFollower = try TestClient(port: cluster.port(follower), timeoutSeconds: 5)
        try Self.writeEveryType(viaFollower, round: 1)
        try Self.filler(viaFollower, round: 1)

        // The other follower misses a snapshot's worth of log and must come back by InstallSnapshot.
        let late = cluster.ids.first { $0 != leader && $0 != follower }!
        cluster.kill(late)
        let viaLeader = try TestClient(port: cluster.port(leader), timeoutSeconds: 5)
        try Self.writeEveryType(viaLeader, round: 2)
        try Self.filler(viaLeader, round: 2)
        #expect(!(try viaLeader.call("CHECKPOINT")).isError)
        try cluster.start(late)
        try cluster.processes.waitForPort(cluster.port(late))
        try waitUntilConverged(cluster)
        try Self.writeEveryType(viaLeader, round: 3)

        cluster.killAll()
        try cluster.startAll()
        for id in cluster.ids { try cluster.processes.waitForPort(cluster.port(id)) }
        try waitUntilConverged(cluster, seconds: 15)

        let views = try cluster.ids.map { id in (id, try Self.observe(TestClient(port: cluster.port(id), timeoutSeconds: 5))) }
        let reference = views[0].1
        #expect(reference.count > 3 * 14, "too few keys read back: \(reference)")
        for (id, view) in views.dropFirst() {
            #expect(view == reference, "node \(id) differs from node \(views[0].0): \(Set(view).symmetricDifference(reference).sorted())")
        }
        // And the values are Redis's, not merely the same everywhere.
        for r in 1...3 {
            #expect(reference.contains("l:\(r) list z,a,x,b"), "\(reference.filter { $0.hasPrefix("l:") })")
            #expect(reference.contains("l2:\(r) list c"))
            #expect(reference.contains("h:\(r) hash f1=v1,f2=v2,fl=1.5,n=5"))
            #expect(reference.contains("z:\(r) zset a,1.1,b,2.5,d,7"))
            #expect(reference.contains("zu:\(r) zset a,3.3000000000000003,b,7.5,d,21"))
            #expect(reference.contains("str:\(r) string value \(r)! (expires)"))
            #expect(reference.contains("hll:\(r) string count \(RESPValue.integer(4))"))
            #expect(reference.contains("tx:\(r) set p,q"))
            let set = reference.first { $0.hasPrefix("s:\(r) set ") }
            #expect(set.map { $0.split(separator: " ")[2].split(separator: ",").count } == 8, "\(set ?? "s:\(r) missing")")
        }
    }
}
