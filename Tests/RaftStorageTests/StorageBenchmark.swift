// Measurements, not assertions: run in a release build with
//   swift build -c release --build-tests
//   RAFT_STORAGE_BENCH=1 swift test -c release --skip-build --filter StorageBenchmark
// Set RAFT_STORAGE_BENCH_DIR to measure on a particular disk (default /tmp).
import Glibc
import RaftCore
import Testing
@testable import RaftStorage

private func seconds(_ body: () throws -> Void) rethrows -> Double {
    var a = timespec(), b = timespec()
    clock_gettime(CLOCK_MONOTONIC, &a)
    try body()
    clock_gettime(CLOCK_MONOTONIC, &b)
    return Double(b.tv_sec - a.tv_sec) + Double(b.tv_nsec - a.tv_nsec) / 1e9
}

private func fixed(_ x: Double, _ digits: Int) -> String {
    var p = 1.0
    for _ in 0..<digits { p *= 10 }
    return String((x * p).rounded() / p)
}

private let benchEnabled = getenv("RAFT_STORAGE_BENCH") != nil

private func benchDir(_ label: String) -> TempDir {
    if let base = getenv("RAFT_STORAGE_BENCH_DIR") {
        var template = Array("\(String(cString: base))/raftbench-\(label)-XXXXXX".utf8CString)
        let p = template.withUnsafeMutableBufferPointer { mkdtemp($0.baseAddress!) }
        return TempDir(existing: String(cString: p!))
    }
    return TempDir(label)
}

@Test(.enabled(if: benchEnabled))
func StorageBenchmarkAppendSyncThroughput() throws {
    let payload = [UInt8](repeating: 0xAB, count: 100)
    for mode in [FsyncMode.always, .never] {
        for batch in [1, 10, 100] {
            let dir = benchDir("tput")
            defer { dir.cleanup() }
            let (wal, _) = try WriteAheadLog.open(directory: dir.path, options: WALOptions(fsync: mode))
            let syncs = mode == .always ? 1000 : 20000
            var index: UInt64 = 0
            let t = try seconds {
                for _ in 0..<syncs {
                    var es: [Entry] = []
                    es.reserveCapacity(batch)
                    for _ in 0..<batch {
                        index += 1
                        es.append(Entry(term: 1, index: LogIndex(index), data: payload))
                    }
                    try wal.append(entries: es, hardState: HardState(term: 1, votedFor: "n1", commit: LogIndex(index)))
                    try wal.sync()
                }
            }
            wal.close()
            print("BENCH append+sync fsync=\(mode) batch=\(batch): \(syncs) syncs in \(fixed(t, 3)) s = \(Int(Double(syncs * batch) / t)) entries/s, \(Int(Double(syncs) / t)) syncs/s")
        }
    }
}

@Test(.enabled(if: benchEnabled))
func StorageBenchmarkRecoveryOfOneMillionEntries() throws {
    let dir = benchDir("recovery")
    defer { dir.cleanup() }
    let payload = [UInt8](repeating: 0xCD, count: 100)
    let (wal, _) = try WriteAheadLog.open(directory: dir.path, options: WALOptions(fsync: .never))
    let n: UInt64 = 1_000_000
    let writeTime = try seconds {
        var index: UInt64 = 0
        while index < n {
            var es: [Entry] = []
            es.reserveCapacity(1000)
            for _ in 0..<1000 {
                index += 1
                es.append(Entry(term: 1, index: LogIndex(index), data: payload))
            }
            try wal.append(entries: es, hardState: HardState(term: 1, commit: LogIndex(index)))
            try wal.sync()
        }
    }
    let segments = wal.segmentPaths.count
    wal.close()
    var recovered = RecoveredLog()
    let t = try seconds { recovered = try WriteAheadLog.open(directory: dir.path).1 }
    #expect(recovered.entries.count == Int(n))
    print("BENCH write 1M x 100 B (batches of 1000, fsync never): \(fixed(writeTime, 2)) s, \(segments) segments")
    print("BENCH recovery of 1M x 100 B entries: \(fixed(t, 2)) s = \(Int(Double(n) / t)) entries/s")
}
