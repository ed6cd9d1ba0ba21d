import RESP
import Testing
@testable import KeyValueStore

@Suite struct HostileInputTests {
    @Test func globWithThousandsOfStarsFailsToMatchInsteadOfOverflowingTheStack() {
        let pattern = Array(String(repeating: "*a", count: 20_000).utf8) + [UInt8(ascii: "b")]
        let key = [UInt8](repeating: UInt8(ascii: "a"), count: 30_000)
        #expect(Glob.match(pattern, key) == false)
        #expect(Glob.match(Array("*a*".utf8), Array("xxaxx".utf8)))
    }

    @Test func treeDepthIsBounded() {
        let h = Harness()
        var path = ""
        var last = RESPValue.ok
        for i in 0..<300 {
            path += (i == 0 ? "" : "/") + "n"
            last = h.run("tmk", path)
            if last != .ok { break }
        }
        #expect(last == .error("ERR tree depth exceeds 256"))
        #expect(throws: Never.self) { try SnapshotRestorer.restore(h.store.snapshotBytes()) }
    }

    @Test func commandsRegisteredInMixedCaseAreFoundInAnyCase() {
        var r = CommandRegistry()
        r.register("MyCmd", kind: .read, arity: 1) { _ throws(CommandError) in .ok }
        for name in ["mycmd", "MYCMD", "mYcMd"] {
            #expect((try? r.lookup([Array(name.utf8)]).get())?.name == "mycmd")
        }
        #expect(r.commandNames == ["mycmd"])
    }

    @Test func argumentsThatAreNotNumbersNeverTrap() {
        let h = Harness()
        h.run("rpush", "l", "a")
        for cmd in [["lrange", "l", "9223372036854775807", "-9223372036854775808"],
                    ["lindex", "l", "-9223372036854775808"],
                    ["getrange", "l", "0", "1"],
                    ["setrange", "s", "9223372036854775807", "x"],
                    ["lpop", "l", "9223372036854775807"],
                    ["expire", "l", "-9223372036854775808"],
                    ["incrbyfloat", "f", "1e400"],
                    ["scan", "18446744073709551615", "COUNT", "9223372036854775807"]] {
            _ = h.run(cmd.map { Array($0.utf8) })
        }
        #expect(h.run("dbsize") == .integer(0))  // LPOP emptied l; EXPIRE far in the past deleted nothing else
    }
}

@Suite struct HostileCollectionInputTests {
    /// Extreme counts, offsets and limits on the new types answer or refuse, never trap.
    @Test func extremeNumbersNeverTrap() {
        let h = Harness()
        h.run("rpush", "l", "3", "1", "2")
        h.run("sadd", "s", "a", "b")
        h.run("zadd", "z", "1", "a", "2", "b")
        h.run("hset", "h", "f", "v")
        let max = "9223372036854775807", min = "-9223372036854775808"
        let commands: [[String]] = [
            ["sort", "l", "limit", max, max], ["sort", "l", "limit", "1", max], ["sort", "l", "limit", min, min],
            ["zrange", "z", min, max], ["zrange", "z", "-inf", "+inf", "byscore", "limit", max, max],
            ["zrange", "z", "-", "+", "bylex", "limit", "1", max], ["zremrangebyrank", "z", max, min],
            ["zpopmin", "z", max], ["spop", "s", max], ["lpos", "l", "1", "rank", max, "count", max, "maxlen", max],
            ["lpos", "l", "1", "rank", min], ["bitfield", "b", "get", "u8", max], ["bitfield", "b", "get", "i64", "#\(max)"],
            ["bitcount", "l", min, max], ["bitpos", "l", "1", max, min, "bit"], ["lmpop", "1", "l", "left", "count", max],
            ["srandmember", "s", min], ["zrandmember", "z", min, "withscores"], ["hrandfield", "h", min],
            ["zmpop", max, "z", "min"], ["sintercard", max, "s"], ["zunion", max, "z"],
        ]
        for cmd in commands {
            let reply = h.run(cmd.map { Array($0.utf8) })
            if case .error(let e) = reply { #expect(!e.isEmpty) }
        }
        #expect(h.run("srandmember", "s", "-2000000") == .error("ERR value is out of range"))
        #expect(h.run("bitfield", "b", "get", "u8", max) == .error("ERR bit offset is not an integer or out of range"))
    }
}
