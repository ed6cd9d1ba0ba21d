import Foundation
#if canImport(Glibc)
import Glibc
#endif
import RESP
import Testing
@testable import Chaos

/// The workload against one real raft-node: it records a checkable history, and its final read
/// of the set workload notices an acknowledged add that disappeared.
@Suite(.serialized) struct WorkloadDriverTests {
    static func historyURL() -> URL {
        FileManager.default.temporaryDirectory.appendingPathComponent("chaos-workload-\(getpid())-\(UUID().uuidString.prefix(8)).jsonl")
    }

    @Test func aShortRunRecordsALinearizableHistoryOfEveryWorkload() async throws {
        let node = try SingleNodeProcess()
        defer { node.stop() }
        let url = Self.historyURL()
        defer { try? FileManager.default.removeItem(at: url) }
        let options = WorkloadOptions(clientsPerNode: 3, operationsPerKey: 50)
        let driver = try WorkloadDriver(endpoints: [ClientEndpoint(node: "n1", host: "127.0.0.1", port: node.port)], seed: 7, options: options, historyURL: url)
        try driver.start()
        let deadline = Date().addingTimeInterval(10)
        while driver.counts().ok < 600 && Date() < deadline { try await Task.sleep(nanoseconds: 50_000_000) }
        await driver.stop()
        let counts = driver.counts()
        #expect(counts.ok >= 600, "\(counts)")
        #expect(counts.open == 0)
        let verdict = try HistoryVerdict.check(historyURL: url, budget: 30)
        #expect(verdict.outcome == .linearizable, "\(verdict.explanation ?? "")")
        #expect(verdict.counts.ok == counts.ok)
        // Registers rotated to fresh keys: more than one generation of keys was used.
        let text = try String(contentsOf: url, encoding: .utf8)
        #expect(text.contains("\"key\":\"r1-"), "register keys never rotated")
        for f in ["read", "write", "cas", "get", "set", "del", "add"] {
            #expect(text.contains("\"f\":\"\(f)\""), "no \(f) operation recorded")
        }
        let sets = await driver.finalSetRead()
        #expect(sets.isValid, "\(sets.summary)")
        // Adds that timed out (info) may or may not be there; acknowledged ones must all be.
        let read = sets.elementsRead["n1"] ?? 0
        #expect(sets.acknowledged > 0 && read >= sets.acknowledged && read <= sets.attempted, "\(sets.summary), read \(read)")
    }

    @Test func finalSetReadFindsAPlantedLostWrite() async throws {
        let node = try SingleNodeProcess()
        defer { node.stop() }
        let url = Self.historyURL()
        defer { try? FileManager.default.removeItem(at: url) }
        let options = WorkloadOptions(clientsPerNode: 2, mix: .init(register: 0, map: 0, set: 1), setKeys: 2)
        let driver = try WorkloadDriver(endpoints: [ClientEndpoint(node: "n1", host: "127.0.0.1", port: node.port)], seed: 11, options: options, historyURL: url)
        try driver.start()
        let deadline = Date().addingTimeInterval(10)
        while driver.counts().ok < 100 && Date() < deadline { try await Task.sleep(nanoseconds: 20_000_000) }
        let clean = await driver.finalSetRead()
        #expect(clean.isValid, "\(clean.summary)")

        // Plant the bug: remove one acknowledged element behind the workload's back.
        let c = try RESPConnection(host: "127.0.0.1", port: node.port, timeout: 1)
        guard case .array(let items?) = try c.call(["LRANGE", "s0", "0", "0"], timeout: 1), let victim = items.first?.stringValue else {
            Issue.record("s0 is empty")
            return
        }
        #expect(try c.call(["LREM", "s0", "1", victim], timeout: 1) == .integer(1))
        let after = await driver.finalSetRead()
        #expect(!after.isValid)
        #expect(after.lost.map(\.key) == ["s0"])
        #expect(after.lost.map(\.element) == [Int64(victim)!])
        #expect(after.lost.first?.missingOn == ["n1"])
        #expect(after.summary.contains("1 acknowledged add lost"), "\(after.summary)")
    }

    @Test func aDeadNodeIsReportedUnreadableNotPassed() async throws {
        // A port held bound but never listening: connecting is refused, and no other test's node
        // can take it meanwhile (a merely free port could be taken by a concurrent test).
        let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        defer { close(fd) }
        var addr = sockaddr_in()
        addr.sin_family = sa_family_t(AF_INET)
        addr.sin_addr.s_addr = inet_addr("127.0.0.1")
        var length = socklen_t(MemoryLayout<sockaddr_in>.size)
        _ = withUnsafePointer(to: &addr) { $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(fd, $0, length) } }
        _ = withUnsafeMutablePointer(to: &addr) { $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { getsockname(fd, $0, &length) } }
        let port = Int(UInt16(bigEndian: addr.sin_port))
        #expect(port != 0, "could not bind a port")
        let url = Self.historyURL()
        defer { try? FileManager.default.removeItem(at: url) }
        let driver = try WorkloadDriver(endpoints: [ClientEndpoint(node: "n9", host: "127.0.0.1", port: port)], seed: 1, historyURL: url)
        try driver.start()
        try await Task.sleep(nanoseconds: 300_000_000)
        let result = await driver.finalSetRead(perNodeSeconds: 0.5)
        #expect(driver.counts().total == 0, "no operation starts without a connection")
        #expect(!result.isValid)
        #expect(result.unreadable.first?.hasPrefix("n9: ") == true, "\(result.unreadable)")
    }

    @Test func badOptionsAreRefusedClearly() {
        let url = Self.historyURL()
        #expect(throws: WorkloadError.self) { try WorkloadDriver(endpoints: [], seed: 1, historyURL: url) }
        #expect(throws: WorkloadError.self) {
            try WorkloadDriver(endpoints: [ClientEndpoint(node: "n1", host: "127.0.0.1", port: 1)], seed: 1,
                               options: WorkloadOptions(clientsPerNode: 0), historyURL: url)
        }
    }
}
