// Streaming decode of a snapshot: feed chunks of any size, get complete records back.

public struct SnapshotReader {
    private var buffer: [UInt8] = []
    private var offset = 0
    private var sawHeader = false
    public private(set) var finished = false
    private var counted: UInt64 = 0

    /// Refuses frames larger than this (a corrupt length must not make us allocate gigabytes).
    public var maxFrameSize = 1 << 30

    public init() {}

    /// Appends `chunk` and returns every record completed by it, in order.
    public mutating func feed(_ chunk: some Collection<UInt8>) throws(SnapshotError) -> [SnapshotRecord] {
        if offset > 0 && offset >= buffer.count / 2 {
            buffer.removeFirst(offset)
            offset = 0
        }
        buffer.append(contentsOf: chunk)
        var out: [SnapshotRecord] = []
        while true {
            var r = ByteReader(buffer)  // cheap: shares storage
            r.offset = offset
            guard let len = r.varint() else {
                if buffer.count - offset >= 10 { throw SnapshotError("bad frame length") }
                break
            }
            guard len <= UInt64(maxFrameSize) else { throw SnapshotError("snapshot frame too large (\(len) bytes)") }
            guard UInt64(r.remaining) >= len else { break }
            let payload = Array(buffer[r.offset..<r.offset + Int(len)])
            offset = r.offset + Int(len)
            guard !finished else { throw SnapshotError("data after the end record") }
            let rec = try SnapshotRecord.decode(payload: payload, first: !sawHeader)
            sawHeader = true
            switch rec {
            case .key, .treeNode: counted += 1
            case .end(let n):
                guard n == counted else { throw SnapshotError("record count mismatch: end says \(n), read \(counted)") }
                finished = true
            case .header: break
            }
            out.append(rec)
        }
        return out
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

    public mutating func feed(_ chunk: some Collection<UInt8>) throws(SnapshotError) {
        for rec in try reader.feed(chunk) {
            switch rec {
            case .header(let clock): store.clock = clock
            case .key(let k, let r): store.setRecord(k, r)
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
