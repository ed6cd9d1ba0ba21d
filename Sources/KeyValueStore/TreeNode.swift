// pyraft's hierarchical key tree: each node has attributes (name -> value) and child nodes.
// Attribute and child names share one namespace per node, as in pyraft (where both live in
// one dict). Paths are '/'-separated; empty components are ignored, so "/" is the root.

public struct TreeNode: Equatable, Sendable {
    public var attributes: [ByteKey: [UInt8]] = [:]
    public var children: [ByteKey: TreeNode] = [:]
    public init() {}

    static func components(_ path: [UInt8]) -> [ByteKey] {
        path.split(separator: UInt8(ascii: "/"), omittingEmptySubsequences: true).map { ByteKey(Array($0)) }
    }

    func node(at path: [ByteKey]) -> TreeNode? {
        var n = self
        for p in path {
            guard let c = n.children[p] else { return nil }
            n = c
        }
        return n
    }

    /// Mutates the node at `path` in place; false when it does not exist.
    mutating func modify<R>(at path: ArraySlice<ByteKey>, _ body: (inout TreeNode) throws(CommandError) -> R) throws(CommandError) -> R? {
        guard let first = path.first else { return try body(&self) }
        guard children[first] != nil else { return nil }
        return try children[first]!.modify(at: path.dropFirst(), body)
    }

    /// Every node as (path, node), parents first, children in byte order (for snapshots).
    func walk(_ prefix: [UInt8] = [], _ visit: ([UInt8], TreeNode) -> Void) {
        visit(prefix, self)
        for name in children.keys.sorted() {
            children[name]!.walk(prefix + [UInt8(ascii: "/")] + name.bytes, visit)
        }
    }
}
