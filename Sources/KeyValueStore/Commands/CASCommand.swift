// CAS key expected new — pyraft-compatible compare-and-set on a string register.
//
// Replies 1 when the current value equals `expected` and was replaced by `new`, 0 otherwise.
// Chosen semantics: a missing key compares equal to an empty `expected` (""), so a client can
// create a register with CAS k "" v; a non-string key replies WRONGTYPE. A successful CAS
// keeps the key's TTL (it is an in-place update of the register, like INCR).

import RESP

enum CASCommand {
    static func register(in r: inout CommandRegistry) {
        r.register("cas", kind: .write, arity: 4, handler: cas)
    }

    static func cas(_ c: CommandContext) throws(CommandError) -> RESPValue {
        let key = c.key(1)
        let current = try c.string(key) ?? []
        guard current == c.args[2] else { return .integer(0) }
        c.store.setValue(key, .string(c.args[3]), keepTTL: true)
        return .integer(1)
    }
}
