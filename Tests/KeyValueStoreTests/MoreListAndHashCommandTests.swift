import RESP
import Testing
@testable import KeyValueStore

@Suite struct MoreListCommandTests {
    @Test func linsertBeforeAndAfterThePivot() {
        let h = Harness()
        h.run("rpush", "l", "a", "b", "c")
        #expect(h.run("linsert", "l", "BEFORE", "b", "x") == .integer(4))
        #expect(h.run("linsert", "l", "after", "c", "y") == .integer(5))
        #expect(h.run("lrange", "l", "0", "-1") == bulks("a", "x", "b", "c", "y"))
        #expect(h.run("linsert", "l", "before", "zz", "x") == .integer(-1))
        #expect(h.run("linsert", "none", "before", "a", "x") == .integer(0))
        #expect(h.run("linsert", "l", "middle", "b", "x") == syntaxError)
    }

    @Test func lposFindsByRankCountAndMaxlen() {
        let h = Harness()
        h.run("rpush", "l", "a", "b", "c", "b", "d", "b")
        #expect(h.run("lpos", "l", "b") == .integer(1))
        #expect(h.run("lpos", "l", "b", "RANK", "2") == .integer(3))
        #expect(h.run("lpos", "l", "b", "RANK", "-1") == .integer(5))
        #expect(h.run("lpos", "l", "b", "COUNT", "0") == .array([.integer(1), .integer(3), .integer(5)]))
        #expect(h.run("lpos", "l", "b", "COUNT", "2", "RANK", "-1") == .array([.integer(5), .integer(3)]))
        #expect(h.run("lpos", "l", "b", "COUNT", "0", "MAXLEN", "4") == .array([.integer(1), .integer(3)]))
        #expect(h.run("lpos", "l", "zz") == .nullBulk)
        #expect(h.run("lpos", "none", "b", "count", "0") == .array([]))
        #expect(h.run("lpos", "l", "b", "rank", "0") == .error("ERR RANK can't be zero: use 1 to start from the first match, 2 from the second ... or use negative to start from the end of the list"))
        #expect(h.run("lpos", "l", "b", "count", "-1") == .error("ERR COUNT can't be negative"))
        #expect(h.run("lpos", "l", "b", "maxlen", "-1") == .error("ERR MAXLEN can't be negative"))
    }

    @Test func pushxOnlyPushesOntoExistingLists() {
        let h = Harness()
        #expect(h.run("lpushx", "l", "a") == .integer(0))
        #expect(h.run("exists", "l") == .integer(0))
        h.run("rpush", "l", "m")
        #expect(h.run("lpushx", "l", "a", "b") == .integer(3))
        #expect(h.run("rpushx", "l", "z") == .integer(4))
        #expect(h.run("lrange", "l", "0", "-1") == bulks("b", "a", "m", "z"))
    }

    @Test func lmoveAndRpoplpushMoveOneElement() {
        let h = Harness()
        h.run("rpush", "src", "a", "b", "c")
        #expect(h.run("lmove", "src", "dst", "LEFT", "RIGHT") == bulk("a"))
        #expect(h.run("rpoplpush", "src", "dst") == bulk("c"))
        #expect(h.run("lrange", "dst", "0", "-1") == bulks("c", "a"))
        #expect(h.run("lmove", "dst", "dst", "left", "right") == bulk("c"))  // rotation
        #expect(h.run("lrange", "dst", "0", "-1") == bulks("a", "c"))
        #expect(h.run("lmove", "src", "dst", "right", "left") == bulk("b"))
        #expect(h.run("exists", "src") == .integer(0))
        #expect(h.run("lmove", "src", "dst", "left", "left") == .nullBulk)
        #expect(h.run("rpoplpush", "src", "dst") == .nullBulk)
        #expect(h.run("lmove", "dst", "dst", "up", "left") == syntaxError)
        h.run("set", "str", "v")
        #expect(h.run("lmove", "dst", "str", "left", "left") == wrongType)
        #expect(h.run("llen", "dst") == .integer(3))
    }

    @Test func lmpopPopsFromTheFirstNonEmptyList() {
        let h = Harness()
        h.run("rpush", "b", "1", "2", "3")
        #expect(h.run("lmpop", "2", "a", "b", "LEFT") == .array([bulk("b"), bulks("1")]))
        #expect(h.run("lmpop", "2", "a", "b", "RIGHT", "COUNT", "5") == .array([bulk("b"), bulks("3", "2")]))
        #expect(h.run("lmpop", "1", "b", "left") == .array(nil))
        #expect(h.run("lmpop", "1", "b", "middle") == syntaxError)
        #expect(h.run("lmpop", "1", "b", "left", "count", "0") == .error("ERR count should be greater than 0"))
        #expect(h.run("lmpop", "0", "b", "left") == .error("ERR numkeys should be greater than 0"))
    }
}

@Suite struct MoreHashCommandTests {
    @Test func hincrbyfloatAndHstrlen() {
        let h = Harness()
        #expect(h.run("hincrbyfloat", "h", "f", "1.5") == bulk("1.5"))
        #expect(h.run("hincrbyfloat", "h", "f", "0.25") == bulk("1.75"))
        #expect(h.run("hincrbyfloat", "h", "f", "x") == .error("ERR value is not a valid float"))
        h.run("hset", "h", "s", "abc")
        #expect(h.run("hincrbyfloat", "h", "s", "1") == .error("ERR hash value is not a float"))
        #expect(h.run("hincrbyfloat", "h", "f", "inf") == .error("ERR value is NaN or Infinity"))
        #expect(h.run("hincrbyfloat", "h", "f", "1e308") == .bulkString(Array(Numbers.formatDouble(1e308 + 1.75).utf8)))
        #expect(h.run("hincrbyfloat", "h", "f", "1e308") == .error("ERR increment would produce NaN or Infinity"))
        #expect(h.run("hstrlen", "h", "s") == .integer(3))
        #expect(h.run("hstrlen", "h", "nope") == .integer(0))
        #expect(h.run("hstrlen", "none", "s") == .integer(0))
    }

    @Test func hrandfieldWithAndWithoutValues() {
        let h = Harness()
        h.run("hset", "h", "a", "1", "b", "2")
        guard case .array(let all?) = h.run("hrandfield", "h", "5", "WITHVALUES") else { Issue.record("not an array"); return }
        #expect(all.count == 4)
        #expect(all.contains(bulk("a")) && all.contains(bulk("2")))
        guard case .array(let many?) = h.run("hrandfield", "h", "-6") else { Issue.record("not an array"); return }
        #expect(many.count == 6)
        #expect(h.run("hrandfield", "none") == .nullBulk)
        #expect(h.run("hrandfield", "none", "3") == .array([]))
        #expect(h.run("hrandfield", "h", "1", "bogus") == syntaxError)
    }

    @Test func hscanReturnsFieldsAndValues() {
        let h = Harness()
        h.run("hset", "h", "a", "1", "b", "2", "c", "3")
        guard case .array(let page?) = h.run("hscan", "h", "0", "MATCH", "[ab]"), case .array(let items?) = page[1] else {
            Issue.record("bad reply"); return
        }
        #expect(page[0] == bulk("0"))
        #expect(Set(items) == Set([bulk("a"), bulk("1"), bulk("b"), bulk("2")]))
        guard case .array(let page2?) = h.run("hscan", "h", "0", "NOVALUES"), case .array(let names?) = page2[1] else {
            Issue.record("bad reply"); return
        }
        #expect(Set(names) == Set([bulk("a"), bulk("b"), bulk("c")]))
    }

    @Test func incrbyfloatRefusesAnEmbeddedNulByte() {
        let h = Harness()
        h.run("set", "k", "1")
        #expect(h.run([Array("incrbyfloat".utf8), Array("k".utf8), [UInt8(ascii: "1"), 0, UInt8(ascii: "2")]]) == .error("ERR value is not a valid float"))
        #expect(h.run("get", "k") == bulk("1"))
    }
}
