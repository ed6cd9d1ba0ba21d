// Nothing may crash on bad input: a core fed arbitrary messages stays consistent.

import Testing
import RaftCore

@Suite("Bad input")
struct BadInputTests {
    @Test("Thousands of random, malformed and hostile messages never crash a core or break its log",
          arguments: [UInt64(2024), 7, 99, 12345, 31337, 4242])
    func randomMessagesAreSurvived(seed: UInt64) {
        var rng = SplitMix64(seed: seed)
        let ids: [NodeID] = ["a", "b", "c", "zz"]
        func idx() -> LogIndex {
            switch rng.below(4) {
            case 0: return LogIndex(UInt64.max - UInt64(rng.below(3)))
            case 1: return .zero
            default: return LogIndex(UInt64(rng.below(12)))
            }
        }
        func term() -> Term { rng.below(5) == 0 ? Term(UInt64.max) : Term(UInt64(rng.below(6))) }
        for role in 0..<3 {
            var h = Harness(["a", "b", "c"])
            if role > 0 { h.elect(role == 1 ? "a" : "b") }
            for _ in 0..<3000 {
                let body: Message.Body
                switch rng.below(9) {
                case 0: body = .requestVote(RequestVote(lastLogIndex: idx(), lastLogTerm: term(), preVote: rng.below(2) == 0, leadershipTransfer: rng.below(2) == 0))
                case 1: body = .requestVoteResponse(RequestVoteResponse(granted: rng.below(2) == 0, preVote: rng.below(2) == 0))
                case 2:
                    let prev = idx()
                    let es = (0..<rng.below(4)).map { k in Entry(term: term(), index: rng.below(3) == 0 ? idx() : LogIndex(prev.rawValue &+ UInt64(k + 1)), kind: EntryKind(rawValue: UInt8(rng.below(3)))!, data: [UInt8(rng.below(256))]) }
                    body = .appendEntries(AppendEntries(prevLogIndex: prev, prevLogTerm: term(), entries: es, leaderCommit: idx(), readContext: UInt64(rng.below(3))))
                case 3: body = .appendEntriesResponse(AppendEntriesResponse(success: rng.below(2) == 0, index: idx(), conflictIndex: idx(), conflictTerm: term(), readContext: UInt64(rng.below(3))))
                case 4: body = .installSnapshot(SnapshotMetadata(index: idx(), term: term(), configuration: Configuration(voters: Set(ids.prefix(rng.below(4))))))
                case 5: body = .installSnapshotResponse(InstallSnapshotResponse(index: idx(), success: rng.below(2) == 0))
                case 6: body = .timeoutNow
                case 7: body = .readIndex(requestID: UInt64(rng.below(5)))
                default: body = .readIndexResponse(requestID: UInt64(rng.below(5)), index: idx(), ok: rng.below(2) == 0)
                }
                let to: NodeID = ["a", "b", "c"][rng.below(3)]
                let from = ids[rng.below(ids.count)]
                h[to].step(Message(from: from, to: to, term: term(), body: body))
                h.flush(to)
                if rng.below(10) == 0 { h.tick(to) }
                h.inbox = []
            }
            for id in ["a", "b", "c"] as [NodeID] {
                let n = h[id]
                #expect(n.commitIndex <= n.lastIndex)
                var i = n.firstIndex
                while i <= n.lastIndex {
                    #expect(n.entry(at: i)?.index == i)
                    i = i.next
                }
            }
        }
    }
}
