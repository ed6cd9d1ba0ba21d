// What the in-memory log costs once a snapshot covers it.

import Testing
@testable import RaftCore

@Suite("Log memory")
struct LogMemoryTests {
    @Test("compaction gives back the memory of the entries it drops, not only their elements")
    func compactionShrinksTheBuffer() {
        var log = RaftLog()
        let entries = (1...20_000).map { Entry(term: Term(1), index: LogIndex(UInt64($0)), kind: .normal, data: [UInt8(truncatingIfNeeded: $0)]) }
        log.append(entries)
        #expect(log.entries.capacity >= 20_000)
        log.compact(to: LogIndex(19_900))
        #expect(log.entries.count == 100)
        #expect(log.entries.capacity < 1_000, "a compacted log of 100 entries still holds a buffer for \(log.entries.capacity)")
        #expect(log.firstIndex == LogIndex(19_901))
        #expect(log.entries.first?.index == LogIndex(19_901))
        #expect(log.lastIndex == LogIndex(20_000))
    }
}
