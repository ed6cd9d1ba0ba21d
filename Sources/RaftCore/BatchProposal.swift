extension RaftNode {
    /// Appends several commands at once (§5.3) and sends followers one AppendEntries for all of
    /// them, where proposing them one by one would send one message per command and follower.
    /// Returns the index of the first; the others follow it consecutively. Same errors as
    /// `propose(_:)`, and then nothing is appended.
    public mutating func propose(batch: [[UInt8]]) throws(ProposalError) -> LogIndex {
        try checkCanPropose()
        let first = raftLog.lastIndex.next
        guard !batch.isEmpty else { return first }
        var entries: [Entry] = []
        entries.reserveCapacity(batch.count)
        var index = first
        for data in batch {
            entries.append(Entry(term: currentTerm, index: index, kind: .normal, data: data))
            index = index.next
        }
        appendAsLeader(entries)
        broadcastAppend()
        return first
    }
}
