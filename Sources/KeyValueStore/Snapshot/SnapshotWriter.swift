// Serializing the store record by record into a sink (a file writer, a chunked sender...).

extension KeyValueStore {
    /// Writes the whole client-visible state as framed records, each handed to `sink` as soon
    /// as it is encoded. Expired-but-unswept keys (deadline <= clock) are left out.
    public func writeSnapshot(to sink: ([UInt8]) throws -> Void) rethrows {
        // Live records with their keys, sorted once: no second lookup per key while writing.
        var live: [(key: ByteKey, record: Record)] = []
        live.reserveCapacity(records.count)
        for (k, r) in records where Self.isLive(r, now: clock) { live.append((k, r)) }
        live.sort { $0.key < $1.key }
        try sink(SnapshotRecord.header(clock: clock, keyCount: UInt64(live.count)).framed())
        var n: UInt64 = 0
        for (k, r) in live {
            try sink(SnapshotRecord.key(k, r).framed())
            n += 1
        }
        var treeRecords: [[UInt8]] = []
        tree.walk { path, node in
            let attrs = node.attributes.sorted { $0.key < $1.key }.map { ($0.key, $0.value) }
            treeRecords.append(SnapshotRecord.treeNode(path: path, attributes: attrs).framed())
        }
        for t in treeRecords { try sink(t); n += 1 }
        try sink(SnapshotRecord.end(recordCount: n).framed())
    }

    /// The snapshot as one buffer (convenient for small states and tests).
    public func snapshotBytes() -> [UInt8] {
        var out: [UInt8] = []
        writeSnapshot { out.append(contentsOf: $0) }
        return out
    }
}
