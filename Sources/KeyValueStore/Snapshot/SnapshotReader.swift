// Streaming decode of a snapshot: feed chunks of any size, get complete records back.

public struct SnapshotReader {
    private var buffer: [UInt8] = []
    private var offset = 0
    private var sawHeader = false
    public private(set) var finished = false
    private var counted: UInt64 = 0
    private var countedKeys: UInt64 = 0
    private var announcedKeys: UInt64? = nil

    /// Refuses frames larger than this (a corrupt length must not make us allocate gigabytes).
    public var maxFrameSize = 1 << 30

    public init() {}

    /// Appends `chunk` and returns every record completed by it, in order.
    public mutating func feed(_ chunk: some Collection<UInt8>) throws(SnapshotError) -> [SnapshotRecord] {
        var out: [SnapshotRecord] = []
        try feed(chunk) { (rec: SnapshotRecord) throws(SnapshotError) in out.append(rec) }
        return out
    }

    /// Appends `chunk` and hands each record it completes to `each`, in order, without
    /// collecting them (a million-key restore would otherwise hold a million records at once).
    public mutating func feed(_ chunk: some Collection<UInt8>, each: (SnapshotRecord) throws(SnapshotError) -> Void) throws(SnapshotError) {
        if offset == buffer.count, let whole = chunk as? [UInt8] {
            buffer = whole  // nothing pending: take the caller's buffer as is (no copy)
            offset = 0
        } else {
            if offset > 0 && offset >= buffer.count / 2 {
                buffer.removeFirst(offset)
                offset = 0
            }
            // Contiguous chunks (arrays, slices, Data) are appended with one memcpy.
            if chunk.withContiguousStorageIfAvailable({ buffer.append(contentsOf: $0) }) == nil {
                buffer.append(contentsOf: chunk)
            }
        }
        while true {
            var r = ByteReader(buffer)  // cheap: shares storage
            r.offset = offset
            guard let len = r.varint() else {
                if buffer.count - offset >= 10 { throw SnapshotError("bad frame length") }
                break
            }
            guard len <= UInt64(maxFrameSize) else { throw SnapshotError("snapshot frame too large (\(len) bytes)") }
            guard UInt64(r.remaining) >= len else { break }
            r.end = r.offset + Int(len)  // decode the frame in place, no payload copy
            offset = r.end
            guard !finished else { throw SnapshotError("data after the end record") }
            let rec = try SnapshotRecord.decode(&r, first: !sawHeader)
            sawHeader = true
            switch rec {
            case .key: counted += 1; countedKeys += 1
            case .treeNode: counted += 1
            case .end(let n):
                guard n == counted else { throw SnapshotError("record count mismatch: end says \(n), read \(counted)") }
                if let k = announcedKeys, k != countedKeys {
                    throw SnapshotError("key count mismatch: header says \(k), read \(countedKeys)")
                }
                finished = true
            case .header(_, let keys): announcedKeys = keys
            }
            try each(rec)
        }
    }

    /// Call after the last chunk: fails if the stream was cut short.
    public func finish() throws(SnapshotError) {
        guard finished, offset == buffer.count else { throw SnapshotError("snapshot is truncated") }
    }
}

/// Rebuilds a store from a snapshot stream, chunk by chunk.
public struct SnapshotRestorer {
    private var reader = SnapshotReader()
    public let store = KeyValueStore()

    public init() {}

    /// Tables are sized from the header's key count up to this many keys (a corrupt count
    /// must not reserve gigabytes; past it the table grows as usual).
    static let maxReservedKeys = 1 << 22

    public mutating func feed(_ chunk: some Collection<UInt8>) throws(SnapshotError) {
        let store = self.store
        try reader.feed(chunk) { (rec: SnapshotRecord) throws(SnapshotError) in
            switch rec {
            case .header(let clock, let keys):
                store.clock = clock
                if let keys { store.reserveCapacity(Int(min(keys, UInt64(Self.maxReservedKeys)))) }
            case .key(let k, let r):
                guard store.insertRestored(k, r) else { throw SnapshotError("key repeated in snapshot") }
            case .treeNode(let path, let attrs):
                let comps = TreeNode.components(path)
                var node = TreeNode()
                for (k, v) in attrs { node.attributes[k] = v }
                if comps.isEmpty {
                    store.tree.attributes = node.attributes
                } else {
                    let done: Void? = try? store.tree.modify(at: comps.dropLast()) { (n: inout TreeNode) throws(CommandError) in
                        n.children[comps.last!] = node
                    }
                    guard done != nil else { throw SnapshotError("tree node before its parent") }
                }
            case .end: break
            }
        }
    }

    /// The restored store; fails if the stream was incomplete.
    public func finish() throws(SnapshotError) -> KeyValueStore {
        try reader.finish()
        return store
    }

    /// Restores from a complete buffer.
    public static func restore(_ bytes: [UInt8]) throws(SnapshotError) -> KeyValueStore {
        var r = SnapshotRestorer()
        try r.feed(bytes)
        return try r.finish()
    }
}

/// `SnapshotReader` under a name that cannot clash with RaftStorage's snapshot file reader
/// (the module and its main class are both called KeyValueStore, so the module-qualified name
/// does not resolve).
public typealias KeyValueSnapshotReader = SnapshotReader
