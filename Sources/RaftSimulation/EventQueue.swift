// The simulation's scheduler: a binary min-heap of events ordered by virtual time, ties broken by
// insertion order, so a seed always replays the same interleaving.

import RaftCore

struct ScheduledEvent {
    var time: UInt64
    var seq: UInt64
    var kind: EventKind
}

enum EventKind {
    /// One round of the clock: scenario actions and invariant checks that look at the whole cluster.
    case clock
    /// One node's tick. Each node ticks once per round at its own phase, as real clocks do not
    /// tick in unison (in unison, integer timeouts collide far more often than in life).
    case tick(node: Int)
    case deliver(Envelope)
    /// A relayed client write or its answer (Cluster+Forwarding.swift).
    case relay(RelayEnvelope)
    /// The node's outstanding Ready reached stable storage (if the node did not crash meanwhile).
    case persisted(node: Int, incarnation: Int)
    /// A bounced node comes back (unless something else restarted it meanwhile).
    case restart(node: Int, incarnation: Int)
    /// A snapshot the shell asked for is written and recorded (unless the node crashed meanwhile).
    case snapshotWritten(node: Int, incarnation: Int, SnapshotMetadata, state: UInt64)
    /// The file of a leader's snapshot is in (`state`), or its transfer broke (nil).
    case snapshotReceived(node: Int, incarnation: Int, SnapshotMetadata, state: UInt64?)
}

struct EventQueue {
    private var heap: [ScheduledEvent] = []
    private var seq: UInt64 = 0

    var isEmpty: Bool { heap.isEmpty }
    var count: Int { heap.count }

    mutating func push(at time: UInt64, _ kind: EventKind) {
        seq += 1
        heap.append(ScheduledEvent(time: time, seq: seq, kind: kind))
        var i = heap.count - 1
        while i > 0 {
            let p = (i - 1) / 2
            guard Self.less(heap[i], heap[p]) else { break }
            heap.swapAt(i, p)
            i = p
        }
    }

    mutating func pop() -> ScheduledEvent? {
        guard !heap.isEmpty else { return nil }
        heap.swapAt(0, heap.count - 1)
        let top = heap.removeLast()
        var i = 0
        while true {
            let l = 2 * i + 1
            let r = l + 1
            var m = i
            if l < heap.count, Self.less(heap[l], heap[m]) { m = l }
            if r < heap.count, Self.less(heap[r], heap[m]) { m = r }
            if m == i { break }
            heap.swapAt(i, m)
            i = m
        }
        return top
    }

    private static func less(_ a: ScheduledEvent, _ b: ScheduledEvent) -> Bool {
        a.time != b.time ? a.time < b.time : a.seq < b.seq
    }
}
