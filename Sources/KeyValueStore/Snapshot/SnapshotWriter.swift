// Serializing the store record by record into a sink (a file writer, a chunked sender...).

extension KeyValueStore {
    /// Writes the whole client-visible state as framed records, each handed to `sink` as soon
    /// as it is encoded. Expired-but-unswept keys (deadline <= clock) are left out.
    public func writeSnapshot(to sink: ([UInt8]) throws -> Void) rethrows {
        try sink(SnapshotRecord.header(clock: clock).framed())
        var n: UInt64 = 0
        for k in records.keys.sorted() {
            let r = records[k]!
            guard Self.isLive(r, now: clock) else { continue }
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
