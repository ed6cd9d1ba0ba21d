// Serializing the store record by record into a sink (a file writer, a chunked sender...).

extension KeyValueStore {
    /// How many bytes of framed records the writer gathers before handing them to the sink:
    /// one call per chunk rather than one (and two allocations) per key.
    static let snapshotChunkBytes = 64 << 10

    /// Writes the whole client-visible state as framed records, handed to `sink` in chunks of
    /// whole records (about `snapshotChunkBytes` each; a reader sees the same byte stream
    /// whatever the split). Expired-but-unswept keys (deadline <= clock) are left out.
    public func writeSnapshot<E: Error>(to sink: ([UInt8]) throws(E) -> Void) throws(E) {
        // Live records with their keys, put in key order once (SnapshotKeyOrder.swift): no
        // second lookup per key while writing.
        var keys: [ByteKey] = [], values: [Record] = []
        keys.reserveCapacity(records.count)
        values.reserveCapacity(records.count)
        for (k, r) in records where Self.isLive(r, now: clock) {
            keys.append(k)
            values.append(r)
        }
        let order = SnapshotKeyOrder.sortedIndices(keys)
        var chunk: [UInt8] = [], scratch: [UInt8] = []
        chunk.reserveCapacity(Self.snapshotChunkBytes + 4096)
        func emit(_ record: SnapshotRecord) throws(E) {
            record.appendFramed(to: &chunk, scratch: &scratch)
            if chunk.count >= Self.snapshotChunkBytes {
                try sink(chunk)
                chunk.removeAll(keepingCapacity: true)
            }
        }
        try emit(.header(clock: clock, keyCount: UInt64(keys.count)))
        var n: UInt64 = 0
        for i in order {
            try emit(.key(keys[i], values[i]))
            n += 1
        }
        keys = []  // the copies' references go before the tree's records are built
        values = []
        var treeRecords: [SnapshotRecord] = []
        tree.walk { path, node in
            let attrs = node.attributes.sorted { $0.key < $1.key }.map { ($0.key, $0.value) }
            treeRecords.append(.treeNode(path: path, attributes: attrs))
        }
        for t in treeRecords { try emit(t); n += 1 }
        try emit(.end(recordCount: n))
        if !chunk.isEmpty { try sink(chunk) }
    }

    /// The snapshot as one buffer (convenient for small states and tests).
    public func snapshotBytes() -> [UInt8] {
        var out: [UInt8] = []
        writeSnapshot { out.append(contentsOf: $0) }
        return out
    }
}
