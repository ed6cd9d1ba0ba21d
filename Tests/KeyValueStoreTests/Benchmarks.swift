// Throughput of the hot paths, printed (never asserted). Runs only when KV_BENCH=1:
//   KV_BENCH=1 swift test -c release --filter KeyValueStoreTests.Benchmarks

import Foundation
import RESP
import Testing
@testable import KeyValueStore

@Suite(.enabled(if: ProcessInfo.processInfo.environment["KV_BENCH"] == "1"))
struct Benchmarks {
    func measure(_ label: String, _ n: Int, _ body: () -> Void) {
        let start = ContinuousClock.now
        body()
        let elapsed = ContinuousClock.now - start
        let seconds = Double(elapsed.components.seconds) + Double(elapsed.components.attoseconds) / 1e18
        print("bench \(label): \(n) ops in \(String(format: "%.3f", seconds)) s = \(Int(Double(n) / seconds)) ops/s")
    }

    @Test func hotPaths() {
        let n = 200_000
        let m = KeyValueStateMachine()
        let keys = (0..<n).map { Array("key:\($0)".utf8) }
        let value = [UInt8](repeating: 120, count: 32)
        let set = Array("SET".utf8), get = Array("GET".utf8)
        var entries: [[UInt8]] = []
        entries.reserveCapacity(n)
        measure("prepare SET", n) {
            for k in keys {
                if case .entry(let e) = m.prepare([set, k, value], now: 1_700_000_000_000) { entries.append(e) }
            }
        }
        measure("apply SET (new keys)", n) { for e in entries { _ = m.apply(e) } }
        measure("apply SET (overwrite)", n) { for e in entries { _ = m.apply(e) } }
        measure("read GET", n) { for k in keys { _ = m.read([get, k], now: 1_700_000_000_000) } }
        var bytes = 0
        measure("snapshot write (keys)", n) { m.store.writeSnapshot { bytes += $0.count } }
        let snap = m.store.snapshotBytes()
        measure("snapshot restore (keys)", n) { _ = try? SnapshotRestorer.restore(snap) }
        print("bench snapshot bytes: \(bytes)")
    }
}
