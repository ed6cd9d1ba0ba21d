// pyraft's tree commands (a namespace separate from the keyspace):
//   TMK path [json | attr value ...]   create a node (parent must exist, name must be free)
//   TSET path json | attr value ...    set attributes of an existing node
//   TGET path [attr]                   one attribute, or all attributes as a JSON object
//   TLS path                           names of the child nodes
//   TRM path [attr ...]                remove the node (with its subtree), or only the attributes
// Replies follow pyraft: OK for changes; errors "ERR node does not exists",
// "ERR node or attr is already exists", "ERR can not overwrite node", "ERR attr does not exists".
// Lists come in byte order of the names so that every replica answers the same.

import RESP

enum TreeCommands {
    static let noNode = CommandError("ERR node does not exists")
    static let exists = CommandError("ERR node or attr is already exists")
    static let overwrite = CommandError("ERR can not overwrite node")
    static let noAttr = CommandError("ERR attr does not exists")
    static let maxDepth = 256

    static func register(in r: inout CommandRegistry) {
        r.register("tmk", kind: .write, arity: -2, handler: tmk)
        r.register("tset", kind: .write, arity: -3, handler: tset)
        r.register("tget", kind: .read, arity: -2, handler: tget)
        r.register("tls", kind: .read, arity: 2, handler: tls)
        r.register("trm", kind: .write, arity: -2, handler: trm)
    }

    static func attributes(_ c: CommandContext) throws(CommandError) -> [(ByteKey, [UInt8])] {
        let a = c.args
        if a.count == 3 {
            guard let kv = TinyJSON.parseObject(a[2]) else { throw CommandError("ERR invalid json") }
            return kv
        }
        guard a.count % 2 == 0 else { throw .wrongArity(c.command.name) }
        return stride(from: 2, to: a.count, by: 2).map { (ByteKey(a[$0]), a[$0 + 1]) }
    }

    static func tmk(_ c: CommandContext) throws(CommandError) -> RESPValue {
        let attrs = try attributes(c)
        let path = TreeNode.components(c.args[1])
        guard let name = path.last else { throw exists }  // the root always exists
        // Bounded depth keeps every recursive walk (snapshot, equality) far from the stack limit.
        guard path.count <= maxDepth else { throw CommandError("ERR tree depth exceeds \(maxDepth)") }
        let done: Void? = try c.store.tree.modify(at: path.dropLast()) { (n: inout TreeNode) throws(CommandError) -> Void in
            if n.children[name] != nil || n.attributes[name] != nil { throw exists }
            var fresh = TreeNode()
            for (k, v) in attrs { fresh.attributes[k] = v }
            n.children[name] = fresh
        }
        guard done != nil else { throw noNode }
        return .ok
    }

    static func tset(_ c: CommandContext) throws(CommandError) -> RESPValue {
        let attrs = try attributes(c)
        let path = TreeNode.components(c.args[1])
        let done: Void? = try c.store.tree.modify(at: path[...]) { (n: inout TreeNode) throws(CommandError) -> Void in
            for (k, _) in attrs where n.children[k] != nil { throw overwrite }
            for (k, v) in attrs { n.attributes[k] = v }
        }
        guard done != nil else { throw noNode }
        return .ok
    }

    static func tget(_ c: CommandContext) throws(CommandError) -> RESPValue {
        guard c.args.count <= 3 else { throw .wrongArity(c.command.name) }
        guard let n = c.store.tree.node(at: TreeNode.components(c.args[1])) else { throw noNode }
        if c.args.count == 3 {
            guard let v = n.attributes[ByteKey(c.args[2])] else { throw noAttr }
            return .bulkString(v)
        }
        var json = "{"
        for (i, k) in n.attributes.keys.sorted().enumerated() {
            if i > 0 { json += ", " }
            TinyJSON.quote(k.bytes, into: &json)
            json += ": "
            TinyJSON.quote(n.attributes[k]!, into: &json)
        }
        json += "}"
        return .bulk(json)
    }

    static func tls(_ c: CommandContext) throws(CommandError) -> RESPValue {
        guard let n = c.store.tree.node(at: TreeNode.components(c.args[1])) else { throw noNode }
        return .array(n.children.keys.sorted().map { .bulkString($0.bytes) })
    }

    static func trm(_ c: CommandContext) throws(CommandError) -> RESPValue {
        let path = TreeNode.components(c.args[1])
        let attrs = c.args.dropFirst(2).map { ByteKey($0) }
        if attrs.isEmpty {
            guard let name = path.last else { c.store.tree = TreeNode(); return .ok }
            let done: Void? = try c.store.tree.modify(at: path.dropLast()) { (n: inout TreeNode) throws(CommandError) -> Void in
                guard n.children.removeValue(forKey: name) != nil else { throw noNode }
            }
            guard done != nil else { throw noNode }
            return .ok
        }
        let done: Void? = try c.store.tree.modify(at: path[...]) { (n: inout TreeNode) throws(CommandError) -> Void in
            for a in attrs where n.attributes[a] == nil { throw noAttr }
            for a in attrs { n.attributes[a] = nil }
        }
        guard done != nil else { throw noNode }
        return .ok
    }
}
