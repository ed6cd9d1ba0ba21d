// Restart cost with a big keyspace (issue 4): build a 1,000,000-key store, write its snapshot,
// restore it, print milliseconds. Printed, never asserted. Runs only when RAFT_KV_BENCH=1:
//   RAFT_KV_BENCH=1 swift test -c release --filter KeyValueBenchmark

import Foundation
import Testing
@testable import KeyValueStore

@Suite(.enabled(if: ProcessInfo.processInfo.environment["RAFT_KV_BENCH"] == "1"))
struct KeyValueBenchmark {
    func ms(_ body: () throws -> Void) rethrows -> Double {
        let start = ContinuousClock.now
        try body()
        let d = ContinuousClock.now - start
        return Double(d.components.seconds) * 1e3 + Double(d.components.attoseconds) / 1e15
    }

    @Test func snapshotRestoreOfOneMillionKeys() throws {
        let n = 1_000_000
        let store = KeyValueStore()
        let value = [UInt8](repeating: 120, count: 8)
        let build = ms {
            for i in 0..<n {
                store.setRecord(ByteKey(Array("key:\(i)".utf8)), Record(value: .string(value), expiresAt: i % 10 == 0 ? 9_000_000_000_000 : nil))
            }
        }
        var snap: [UInt8] = []
        let write = ms { snap = store.snapshotBytes() }
        var restored = KeyValueStore()
        var best = Double.infinity
        for _ in 0..<3 {
            restored = KeyValueStore()  // free the previous copy outside the timed part
            var fresh: KeyValueStore? = nil
            best = min(best, try ms { fresh = try SnapshotRestorer.restore(snap) })
            restored = fresh!
        }
        // Restoring from 64 KiB chunks, as a snapshot file or InstallSnapshot delivers it.
        restored = KeyValueStore()
        var fresh: KeyValueStore? = nil
        let chunked = try ms {
            var r = SnapshotRestorer()
            var i = 0
            while i < snap.count { try r.feed(snap[i..<min(i + 65_536, snap.count)]); i += 65_536 }
            fresh = try r.finish()
        }
        restored = fresh!
        let freeze = ms { _ = store.frozenCopy() }
        #expect(restored.storedCount == n)
        print(String(format: "bench kv 1M keys: build %.0f ms, snapshot write %.0f ms (%d bytes), restore %.0f ms (best of 3), restore 64KiB chunks %.0f ms, frozenCopy %.3f ms",
                     build, write, snap.count, best, chunked, freeze))
    }
}
