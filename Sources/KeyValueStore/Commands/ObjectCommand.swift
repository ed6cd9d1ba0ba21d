// OBJECT ENCODING | FREQ | IDLETIME | REFCOUNT | HELP. Values here have one representation
// each, so ENCODING answers with the name Redis 7.2 would use for a value of that size with
// the default limits (listpack up to 128 entries of at most 64 bytes, intset up to 512
// integers): clients and tests that check encodings see what they expect. Access times are
// not tracked (they would differ per replica): IDLETIME answers 0, and FREQ gives Redis's
// error for a server without an LFU policy.

import RESP

enum ObjectCommand {
    static func register(in r: inout CommandRegistry) {
        r.register("object", kind: .read, arity: -2, handler: object)
    }

    static let smallEntries = 128, smallBytes = 64, intsetEntries = 512

    static func encoding(_ v: StoredValue) -> String {
        switch v {
        case .string(let s):
            if s.count <= 20, Numbers.parseInt(s) != nil { return "int" }
            return s.count <= 44 ? "embstr" : "raw"
        case .list(let l):
            return l.count <= smallEntries && l.allSatisfy({ $0.count <= smallBytes }) ? "listpack" : "quicklist"
        case .hash(let h):
            return h.count <= smallEntries && h.allSatisfy({ $0.key.bytes.count <= smallBytes && $0.value.count <= smallBytes }) ? "listpack" : "hashtable"
        case .set(let s):
            if s.count <= intsetEntries && s.allSatisfy({ Numbers.parseInt($0.bytes) != nil }) { return "intset" }
            return s.count <= smallEntries && s.allSatisfy({ $0.bytes.count <= smallBytes }) ? "listpack" : "hashtable"
        case .zset(let z):
            return z.count <= smallEntries && z.scores.keys.allSatisfy({ $0.bytes.count <= smallBytes }) ? "listpack" : "skiplist"
        }
    }

    static let help: [String] = [
        "OBJECT <subcommand> [<arg> [value] [opt] ...]. Subcommands are:",
        "ENCODING <key>",
        "    Return the kind of internal representation used in order to store the value",
        "    associated with a <key>.",
        "FREQ <key>",
        "    Return the access frequency index of the <key>. The returned integer is",
        "    proportional to the logarithm of the recent access frequency of the key.",
        "IDLETIME <key>",
        "    Return the idle time of the <key>, that is the approximated number of",
        "    seconds elapsed since the last access to the key.",
        "REFCOUNT <key>",
        "    Return the number of references of the value associated with the specified",
        "    <key>.",
        "HELP",
        "    Print this help.",
    ]

    /// Redis's answer to FREQ under its default (LRU) policy, which is what this node acts like.
    static let lfuOff = CommandError("ERR An LFU maxmemory policy is not selected, access frequency not tracked. Please note that when switching between policies at runtime LRU and LFU data will take some time to adjust.")

    static func object(_ c: CommandContext) throws(CommandError) -> RESPValue {
        let sub = c.args[1]
        if sub.isOption("help") && c.args.count == 2 { return .array(help.map { .simpleString($0) }) }
        let known = sub.isOption("encoding") || sub.isOption("freq") || sub.isOption("idletime") || sub.isOption("refcount")
        guard known else {
            throw CommandError("ERR unknown subcommand '\(String(decoding: sub, as: UTF8.self))'. Try OBJECT HELP.")
        }
        guard c.args.count == 3 else {
            throw CommandError("ERR wrong number of arguments for 'object|\(String(decoding: sub, as: UTF8.self).lowercased())' command")
        }
        guard let v = c.store.value(c.key(2), now: c.now) else { return .nullBulk }
        if sub.isOption("encoding") { return .bulk(encoding(v)) }
        if sub.isOption("freq") { throw lfuOff }
        return .integer(sub.isOption("refcount") ? 1 : 0)
    }
}
