// What a leader knows about each follower's log (§5.3: nextIndex and matchIndex), and the flow
// control that decides when to send more (etcd-io/raft's probe/replicate/snapshot states).

public struct PeerProgress: Sendable, Hashable {
    public enum State: String, Sendable, Hashable {
        /// The leader does not know where the follower's log ends: one AppendEntries at a time.
        case probe
        /// The follower keeps up: appends are pipelined, up to the in-flight window.
        case replicate
        /// The follower is behind the compacted log and is being sent a snapshot.
        case snapshot
    }

    /// Highest index known replicated on the peer. Invariant: match < next.
    public internal(set) var match: LogIndex
    /// Next index to send.
    public internal(set) var next: LogIndex
    public internal(set) var state: State
    /// Heard from within the current election timeout (CheckQuorum, dissertation §6.2).
    public internal(set) var recentActive: Bool
    /// The snapshot index being sent, in the snapshot state.
    public internal(set) var pendingSnapshot: LogIndex = .zero
    public internal(set) var isLearner: Bool

    /// Probe state: one probe is outstanding, wait for its answer (or a heartbeat answer).
    var probeSent = false
    /// Last indices of the appends in flight, oldest first (replicate state).
    var inflights: [LogIndex] = []
    /// Leader ticks without progress while something is in flight; a lost message is assumed
    /// after an election timeout and the peer is probed again.
    var stalledTicks = 0

    init(next: LogIndex, isLearner: Bool) {
        self.match = .zero
        self.next = next
        self.state = .probe
        self.recentActive = false
        self.isLearner = isLearner
    }

    func isPaused(maxInflight: Int) -> Bool {
        switch state {
        case .probe: return probeSent
        case .replicate: return inflights.count >= maxInflight
        case .snapshot: return true
        }
    }

    mutating func becomeProbe() {
        // After a snapshot, continue right after it (etcd does the same).
        if state == .snapshot {
            next = max(match.next, pendingSnapshot.next)
        } else {
            next = match.next
        }
        state = .probe
        pendingSnapshot = .zero
        probeSent = false
        inflights.removeAll()
        stalledTicks = 0
    }

    mutating func becomeReplicate() {
        state = .replicate
        next = match.next
        probeSent = false
        inflights.removeAll()
        stalledTicks = 0
    }

    mutating func becomeSnapshot(_ index: LogIndex) {
        state = .snapshot
        pendingSnapshot = index
        probeSent = false
        inflights.removeAll()
        stalledTicks = 0
    }

    /// A success acknowledgement for `index`; returns whether match moved.
    mutating func maybeUpdate(_ index: LogIndex) -> Bool {
        var updated = false
        if index > match {
            match = index
            updated = true
            probeSent = false
            stalledTicks = 0
        }
        if next < index.next { next = index.next }
        return updated
    }

    /// A rejection of the probe at `rejected`: move `next` back to `hint` (fast back-off, §5.3).
    /// Returns false when the rejection is stale and must be ignored.
    mutating func maybeDecrease(rejected: LogIndex, hint: LogIndex) -> Bool {
        if state == .replicate {
            // Stale: we already know the peer matches at or beyond the rejected index.
            guard rejected > match else { return false }
            next = max(match.next, min(rejected, hint))
            return true
        }
        // Probe: only the answer to the outstanding probe counts.
        guard rejected == next.previous else { return false }
        next = max(match.next, min(rejected, hint))
        probeSent = false
        return true
    }

    mutating func sentEntries(lastIndex: LogIndex, count: Int) {
        switch state {
        case .replicate:
            if count > 0 {
                next = lastIndex.next
                inflights.append(lastIndex)
            }
        case .probe:
            probeSent = true
        case .snapshot:
            break
        }
    }

    mutating func freeInflights(upTo index: LogIndex) {
        var k = 0
        while k < inflights.count, inflights[k] <= index { k += 1 }
        if k > 0 { inflights.removeFirst(k) }
    }
}
