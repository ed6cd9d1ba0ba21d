import Foundation
import Testing
@testable import Chaos

/// HistoryVerdict runs the checker over a whole run's history (registers and map keys in one
/// file, set adds ignored) and says what it found, with counts and an explanation.
@Suite struct HistoryVerdictTests {
    static let header = #"{"format":"raft-chaos-history","version":1,"model":"node-workloads"}"#

    static func write(_ lines: [String]) throws -> URL {
        let url = FileManager.default.temporaryDirectory.appendingPathComponent("chaos-verdict-\(getpid())-\(UUID().uuidString.prefix(8)).jsonl")
        try ([header] + lines).joined(separator: "\n").appending("\n").write(to: url, atomically: true, encoding: .utf8)
        return url
    }

    static func op(_ t: Int, _ p: Int, _ id: Int, _ type: String, _ f: String, _ key: String, _ value: String, error: String? = nil) -> String {
        #"{"time":\#(t),"process":\#(p),"node":"n1","id":\#(id),"type":"\#(type)","f":"\#(f)","key":"\#(key)","value":\#(value)"#
            + (error.map { #","error":"\#($0)""# } ?? "") + "}"
    }

    /// Registers, map keys and set adds interleaved; one write timed out (info) and one was refused.
    static let good = [
        op(1, 0, 0, "invoke", "write", "r0-0", "1"), op(2, 1, 1, "invoke", "set", "m0-0", "2"),
        op(3, 0, 0, "ok", "write", "r0-0", "1"), op(4, 1, 1, "ok", "set", "m0-0", "2"),
        op(5, 0, 2, "invoke", "cas", "r0-0", "[1,3]"), op(6, 1, 3, "invoke", "add", "s0", "4"),
        op(7, 0, 2, "ok", "cas", "r0-0", "true"), op(8, 1, 3, "ok", "add", "s0", "4"),
        op(9, 0, 4, "invoke", "write", "r0-0", "5"), op(10, 0, 4, "info", "write", "r0-0", "5", error: "timeout after 1.0 s"),
        op(11, 2, 5, "invoke", "read", "r0-0", "null"), op(12, 2, 5, "ok", "read", "r0-0", "5"),
        op(13, 1, 6, "invoke", "del", "m0-0", "null"), op(14, 1, 6, "ok", "del", "m0-0", "1"),
        op(15, 1, 7, "invoke", "get", "m0-0", "null"), op(16, 1, 7, "ok", "get", "m0-0", "null"),
        op(17, 2, 8, "invoke", "write", "r0-1", "6"), op(18, 2, 8, "fail", "write", "r0-1", "6", error: "CLUSTERDOWN No leader elected yet, try again"),
        op(19, 2, 9, "invoke", "read", "r0-1", "null"), op(20, 2, 9, "ok", "read", "r0-1", "null"),
    ]

    @Test func aGoodHistoryIsLinearizableWithItsCounts() throws {
        let url = try Self.write(Self.good)
        defer { try? FileManager.default.removeItem(at: url) }
        let v = try HistoryVerdict.check(historyURL: url, budget: 10)
        #expect(v.outcome == .linearizable)
        #expect(v.model == "node-workloads")
        #expect(v.counts == OperationCounts(ok: 8, fail: 1, info: 1, open: 0))
        #expect(v.explanation == nil)
        #expect(v.seconds >= 0 && v.seconds < 10)
    }

    /// A stale read: 1 was overwritten by 2 before the read began, and the read still saw 1.
    @Test func aStaleReadIsNotLinearizableAndTheExplanationNamesTheKey() throws {
        let url = try Self.write([
            Self.op(1, 0, 0, "invoke", "write", "r3-1", "1"), Self.op(2, 0, 0, "ok", "write", "r3-1", "1"),
            Self.op(3, 0, 1, "invoke", "write", "r3-1", "2"), Self.op(4, 0, 1, "ok", "write", "r3-1", "2"),
            Self.op(5, 1, 2, "invoke", "read", "r3-1", "null"), Self.op(6, 1, 2, "ok", "read", "r3-1", "1"),
            Self.op(7, 2, 3, "invoke", "set", "m0-0", "9"), Self.op(8, 2, 3, "ok", "set", "m0-0", "9"),
        ])
        defer { try? FileManager.default.removeItem(at: url) }
        let v = try HistoryVerdict.check(historyURL: url, budget: 10)
        #expect(v.outcome == .notLinearizable)
        #expect(v.explanation?.contains("r3-1") == true, "\(v.explanation ?? "")")
    }

    @Test func anUnreadableHistoryIsAnErrorWithItsLine() throws {
        let url = try Self.write([Self.op(1, 0, 0, "invoke", "write", "r0-0", "1"), "not json"])
        defer { try? FileManager.default.removeItem(at: url) }
        #expect(throws: WorkloadError.self) { try HistoryVerdict.check(historyURL: url, budget: 10) }
        do {
            _ = try HistoryVerdict.check(historyURL: url, budget: 10)
        } catch {
            #expect("\(error)".contains("line 3"), "\(error)")
        }
    }
}
