// BLPOP BRPOP BRPOPLPUSH BLMOVE BLMPOP BZPOPMIN BZPOPMAX BZMPOP as the state machine applies
// them: never blocking, exactly as Redis runs them inside MULTI. The pop either happens now or
// the reply is null. The waiting is the node's (RaftServer's BlockedClients): a blocked client
// is parked on its node until an applied write makes one of its keys exist, then the node
// proposes the command again, as an ordinary write through the log, so every replica pops the
// same element; losing the race to another client just parks it again.

import RESP

public enum BlockingCommands {
    /// What the node needs to block a client: the keys to wait on, how long (nil = forever),
    /// and the reply when time runs out.
    public struct Spec: Sendable {
        public var keys: [ByteKey]
        public var timeoutMilliseconds: Int64?
        public var timeoutReply: RESPValue
    }

    static let names: Set<String> = ["blpop", "brpop", "brpoplpush", "blmove", "blmpop", "bzpopmin", "bzpopmax", "bzmpop"]

    /// True when `args` names a blocking command (cheap: checked on every data command's path).
    public static func isBlocking(_ name: String) -> Bool { names.contains(name) }

    static func register(in r: inout CommandRegistry) {
        r.register("blpop", kind: .write, arity: -3, handler: bpop)
        r.register("brpop", kind: .write, arity: -3, handler: bpop)
        r.register("bzpopmin", kind: .write, arity: -3, handler: bzpop)
        r.register("bzpopmax", kind: .write, arity: -3, handler: bzpop)
        r.register("brpoplpush", kind: .write, arity: 4) { c throws(CommandError) in
            _ = try timeout(c.args[3])
            return try ListMoveCommands.move(c, c.key(1), c.key(2), fromLeft: false, toLeft: true)
        }
        r.register("blmove", kind: .write, arity: 6) { c throws(CommandError) in
            let from = try ListMoveCommands.side(c.args[3]), to = try ListMoveCommands.side(c.args[4])
            _ = try timeout(c.args[5])
            return try ListMoveCommands.move(c, c.key(1), c.key(2), fromLeft: from, toLeft: to)
        }
        r.register("blmpop", kind: .write, arity: -5) { c throws(CommandError) in
            _ = try timeout(c.args[1])
            return try ListMoveCommands.lmpop(c.dropping(argument: 1, as: "lmpop"))
        }
        r.register("bzmpop", kind: .write, arity: -5) { c throws(CommandError) in
            _ = try timeout(c.args[1])
            return try ZSetRangeCommands.zmpop(c.dropping(argument: 1, as: "zmpop"))
        }
    }

    /// Redis's timeout argument: seconds as a float; 0 blocks forever. Milliseconds, or nil.
    static func timeout(_ b: [UInt8]) throws(CommandError) -> Int64? {
        guard let seconds = Numbers.parseDouble(b), seconds.isFinite else {
            throw CommandError("ERR timeout is not a float or out of range")
        }
        guard seconds >= 0 else { throw CommandError("ERR timeout is negative") }
        guard seconds * 1000 < Double(Int64.max / 2) else { throw CommandError("ERR timeout is out of range") }
        let ms = Int64((seconds * 1000).rounded(.up))
        return ms == 0 ? nil : ms
    }

    static func bpop(_ c: CommandContext) throws(CommandError) -> RESPValue {
        let left = c.command.name == "blpop"
        _ = try timeout(c.args[c.args.count - 1])
        for i in 1..<(c.args.count - 1) {
            guard try c.list(c.key(i)) != nil else { continue }
            let e = try c.modifyList(c.key(i), create: false) { (l: inout ByteList) throws(CommandError) -> [UInt8]? in
                left ? l.removeFirst() : l.removeLast()
            } ?? nil
            if let e { return .array([.bulkString(c.args[i]), .bulkString(e)]) }
        }
        return .array(nil)
    }

    static func bzpop(_ c: CommandContext) throws(CommandError) -> RESPValue {
        let max = c.command.name == "bzpopmax"
        _ = try timeout(c.args[c.args.count - 1])
        for i in 1..<(c.args.count - 1) {
            guard try c.zset(c.key(i)) != nil else { continue }
            if let top = try ZSetRangeCommands.popElements(c, c.key(i), max: max, count: 1).first {
                return .array([.bulkString(c.args[i]), .bulkString(top.member.bytes), .double(top.score)])
            }
        }
        return .array(nil)
    }

    /// The blocking shape of `args`, or the error Redis gives before blocking; nil if `args`
    /// is not a blocking command. (Arity is the registry's check, done before this.)
    public static func spec(_ args: [[UInt8]]) -> Result<Spec, CommandError>? {
        guard let first = args.first else { return nil }
        let name = String(decoding: first, as: UTF8.self).lowercased()
        guard names.contains(name) else { return nil }
        do throws(CommandError) {
            switch name {
            case "blpop", "brpop", "bzpopmin", "bzpopmax":
                let t = try timeout(args[args.count - 1])
                return .success(Spec(keys: args[1..<(args.count - 1)].map(ByteKey.init), timeoutMilliseconds: t, timeoutReply: .array(nil)))
            case "brpoplpush", "blmove":
                if name == "blmove" { _ = try ListMoveCommands.side(args[3]); _ = try ListMoveCommands.side(args[4]) }
                let t = try timeout(args[args.count - 1])
                return .success(Spec(keys: [ByteKey(args[1])], timeoutMilliseconds: t, timeoutReply: .nullBulk))
            default:  // blmpop, bzmpop: timeout numkeys key [key ...] ...
                let t = try timeout(args[1])
                let n = try SetCommands.numkeys(args, at: 2)
                return .success(Spec(keys: args[3..<(3 + n)].map(ByteKey.init), timeoutMilliseconds: t, timeoutReply: .array(nil)))
            }
        } catch {
            return .failure(error)
        }
    }
}

extension CommandContext {
    /// The same request without argument `i`, under another command's name (BLMPOP's
    /// arguments after its timeout are LMPOP's).
    func dropping(argument i: Int, as name: String) -> CommandContext {
        var a = args
        a.remove(at: i)
        a[0] = Array(name.utf8)
        return CommandContext(store: store, args: a, now: now, command: command)
    }
}
