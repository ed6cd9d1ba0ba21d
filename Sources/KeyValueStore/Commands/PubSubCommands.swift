// PUBLISH channel message: a write, so the message enters the Raft log and every replica
// applies it, each delivering to its own subscribers (RaftServer's PubSubHub, reached through
// `KeyValueStore.publisher`). It changes no key. The reply is the number of subscribers that
// received it on the node that applied the entry for the client: the leader (Redis counts the
// receivers on its one server; a cluster-wide count would need every node's answer).

import RESP

enum PubSubCommands {
    static func register(in r: inout CommandRegistry) {
        r.register("publish", kind: .write, arity: 3) { c throws(CommandError) in
            .integer(Int64(c.store.publisher?(c.args[1], c.args[2]) ?? 0))
        }
    }
}
