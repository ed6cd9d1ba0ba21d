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
