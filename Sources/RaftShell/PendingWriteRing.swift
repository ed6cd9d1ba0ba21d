// Proposed writes waiting to be applied, indexed by log index. A leader proposes at increasing
// consecutive indices, so a ring from the oldest pending index on replaces a dictionary: no
// hashing and no per-write allocation on the hot path. A slot is nil where the index holds no
// request of this node (a no-op, a configuration entry, one already answered).
import RaftCore

struct PendingWriteRing: Sendable {
    struct Slot: Sendable {
        var token: RequestToken
        var term: Term
        var deadline: UInt64
    }

    private var slots: [Slot?] = Array(repeating: nil, count: 64)
    /// Position in `slots` of the index `base`.
    private var head = 0
    /// Slots cover the log indices base ..< base + span.
    private var base: UInt64 = 0
    private var span = 0
    /// Non-nil slots.
    private(set) var count = 0

    var isEmpty: Bool { count == 0 }

    @inline(__always) private func position(_ offset: Int) -> Int { (head &+ offset) & (slots.count - 1) }

    /// Records `slot` for `index`. A proposal at `index` means this node's log now ends just
    /// before it, so requests it proposed at `index` or later in an earlier term lost their
    /// entries: they are taken out and returned, for the caller to answer.
    mutating func insert(_ slot: Slot, at index: LogIndex) -> [Slot] {
        let i = index.rawValue
        var displaced: [Slot] = []
        if count > 0, i < base + UInt64(span) {
            displaced = i <= base ? removeAll() : removeFrom(offset: Int(i - base))
        }
        if count == 0 {
            head = 0
            base = i
            span = 0
        }
        let offset = Int(i - base)
        reserve(offset + 1)
        while span < offset {
            slots[position(span)] = nil
            span += 1
        }
        slots[position(offset)] = slot
        span = offset + 1
        count += 1
        return displaced
    }

    /// Takes the request pending at `index`, if any.
    mutating func remove(at index: LogIndex) -> Slot? {
        let i = index.rawValue
        guard count > 0, i >= base, i - base < UInt64(span) else { return nil }
        let p = position(Int(i - base))
        guard let s = slots[p] else { return nil }
        slots[p] = nil
        count -= 1
        trimFront()
        return s
    }

    /// Takes every request whose deadline is at or before `now`, in log order.
    mutating func removeExpired(now: UInt64) -> [Slot] {
        guard count > 0 else { return [] }
        var out: [Slot] = []
        for k in 0..<span {
            let p = position(k)
            if let s = slots[p], s.deadline <= now {
                out.append(s)
                slots[p] = nil
                count -= 1
            }
        }
        trimFront()
        return out
    }

    /// Every pending request, in log order; the ring is left empty.
    mutating func removeAll() -> [Slot] {
        removeFrom(offset: 0)
    }

    /// Takes every request pending at an index after `index` (every one when nil), in log
    /// order: a deposed leader's writes that its last Ready did not commit.
    mutating func removeAll(after index: LogIndex?) -> [Slot] {
        guard count > 0 else { return [] }
        guard let index, index.rawValue >= base else { return removeAll() }
        let offset = Int(index.rawValue - base) + 1
        guard offset < span else { return [] }
        return removeFrom(offset: offset)
    }

    private mutating func removeFrom(offset: Int) -> [Slot] {
        var out: [Slot] = []
        for k in offset..<span {
            let p = position(k)
            if let s = slots[p] { out.append(s) }
            slots[p] = nil
        }
        count -= out.count
        span = offset
        trimFront()
        return out
    }

    private mutating func trimFront() {
        guard count > 0 else {
            span = 0
            return
        }
        while slots[head] == nil {
            head = (head + 1) & (slots.count - 1)
            base += 1
            span -= 1
        }
    }

    private mutating func reserve(_ needed: Int) {
        guard needed > slots.count else { return }
        var capacity = slots.count
        while capacity < needed { capacity *= 2 }
        var grown = [Slot?](repeating: nil, count: capacity)
        for k in 0..<span { grown[k] = slots[position(k)] }
        slots = grown
        head = 0
    }
}
