// The shell's pending writes, a ring indexed by log index: found by index, expired by deadline,
// and never lost when a new term's proposal takes an index an older one held.
import Testing
import RaftCore
@testable import RaftShell

@Suite("Pending writes by log index")
struct PendingWriteRingTests {
    static func slot(_ token: RequestToken, term: UInt64 = 1, deadline: UInt64 = 100) -> PendingWriteRing.Slot {
        PendingWriteRing.Slot(token: token, term: Term(term), deadline: deadline)
    }

    @Test("Each write is found at its index once, and indices without a write hold nothing")
    func foundByIndex() {
        var ring = PendingWriteRing()
        for i in UInt64(10)...12 { #expect(ring.insert(Self.slot(i), at: LogIndex(i)).isEmpty) }
        // 13 is a no-op of the leader's own: no request waits there.
        #expect(ring.insert(Self.slot(14), at: 14).isEmpty)
        #expect(ring.count == 4)
        #expect(ring.remove(at: 9) == nil)
        #expect(ring.remove(at: 13) == nil)
        #expect(ring.remove(at: 11)?.token == 11)
        #expect(ring.remove(at: 11) == nil)
        #expect(ring.remove(at: 10)?.token == 10)
        #expect(ring.remove(at: 12)?.token == 12)
        #expect(ring.remove(at: 14)?.token == 14)
        #expect(ring.isEmpty)
        #expect(ring.remove(at: 15) == nil)
    }

    @Test("It grows past its first capacity and wraps around without losing a write")
    func growsAndWraps() {
        var ring = PendingWriteRing()
        var next: UInt64 = 1, oldest: UInt64 = 1
        // Keep about 50 pending while 1,000 pass through (wraps the ring many times), then 300 at once.
        for _ in 0..<1_000 {
            _ = ring.insert(Self.slot(next), at: LogIndex(next))
            next += 1
            if next - oldest > 50 {
                #expect(ring.remove(at: LogIndex(oldest))?.token == oldest)
                oldest += 1
            }
        }
        for _ in 0..<300 {
            _ = ring.insert(Self.slot(next), at: LogIndex(next))
            next += 1
        }
        #expect(ring.count == Int(next - oldest))
        for i in oldest..<next { #expect(ring.remove(at: LogIndex(i))?.token == i) }
        #expect(ring.isEmpty)
    }

    @Test("Expired writes are taken out in log order, the others stay")
    func expiry() {
        var ring = PendingWriteRing()
        _ = ring.insert(Self.slot(1, deadline: 50), at: 1)
        _ = ring.insert(Self.slot(2, deadline: 200), at: 2)
        _ = ring.insert(Self.slot(3, deadline: 40), at: 3)
        #expect(ring.removeExpired(now: 60).map(\.token) == [1, 3])
        #expect(ring.count == 1)
        #expect(ring.remove(at: 2)?.token == 2)
    }

    @Test("A proposal at an index already held displaces that write and every later one")
    func displacedByANewTerm() {
        var ring = PendingWriteRing()
        for i in UInt64(5)...9 { _ = ring.insert(Self.slot(i, term: 1), at: LogIndex(i)) }
        // This node lost leadership, its log was cut back to 6, and it leads again in term 3.
        let lost = ring.insert(Self.slot(70, term: 3), at: 7)
        #expect(lost.map(\.token) == [7, 8, 9])
        #expect(ring.remove(at: 7)?.token == 70)
        #expect(ring.remove(at: 5)?.token == 5)
        // Below every pending index: all of them are displaced.
        #expect(ring.insert(Self.slot(40, term: 4), at: 4).map(\.token) == [6])
        #expect(ring.removeAll().map(\.token) == [40])
        #expect(ring.isEmpty)
    }

    @Test("On losing leadership, the writes after the commit index are taken, the committed stay")
    func afterTheCommitIndex() {
        var ring = PendingWriteRing()
        for i in UInt64(3)...8 { _ = ring.insert(Self.slot(i), at: LogIndex(i)) }
        #expect(ring.removeAll(after: 20).isEmpty)
        #expect(ring.removeAll(after: 5).map(\.token) == [6, 7, 8])
        #expect(ring.removeAll(after: 1).map(\.token) == [3, 4, 5])
        for i in UInt64(3)...4 { _ = ring.insert(Self.slot(i), at: LogIndex(i)) }
        #expect(ring.removeAll(after: nil).map(\.token) == [3, 4])
        #expect(ring.isEmpty)
    }
}
