// The data commands behind the connection's WATCH and EXEC, in the table so that a follower can
// relay them to the leader like any read or write:
//
//   TXN.WATCH key [key ...]   read: one decimal fingerprint per key (KeyFingerprint)
//   TXN.EXEC ...              write: a whole transaction (TransactionEntry's layout); the state
//                             machine prepares and applies it itself, since its commands are
//                             looked up in the machine's registry, which a handler cannot see
//
// A client may send them directly: TXN.EXEC then runs its commands as one entry (fingerprints it
// makes up can only make it refuse to run), TXN.WATCH only reads.

import RESP

enum TransactionCommands {
    static func register(in r: inout CommandRegistry) {
        r.register("txn.watch", kind: .read, arity: -2) { c throws(CommandError) in
            .array(c.args.dropFirst().map { .bulk(String(KeyFingerprint.of(c.store.record(ByteKey($0), now: c.now)))) })
        }
        // Reached only through a path that skips `KeyValueStateMachine.prepare`/`apply` (an
        // embedder calling the handler directly): it cannot run the commands it carries.
        r.register("txn.exec", kind: .write, arity: -3) { _ throws(CommandError) in
            throw CommandError("ERR TXN.EXEC runs only as a transaction entry of the state machine")
        }
    }
}
