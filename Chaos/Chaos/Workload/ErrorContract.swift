import Linearizability

/// What an error reply from raft-node guarantees about a write: whether it may have taken effect.
/// This is the contract docs/OPERATIONS.md ("Errors and retries") gives client authors; the
/// workload records a write that certainly did not happen as `fail` and one that may have as
/// `info`. Texts are matched by prefix; an error this table does not know is treated as "may have
/// taken effect", the only safe guess.
public enum ErrorContract {
    public struct Rule: Sendable {
        /// The start of the error text.
        public var prefix: String
        /// False only when the node guarantees the write was not applied and never will be.
        public var mayHaveTakenEffect: Bool
        /// Why, for people (the docs table says the same).
        public var reason: String
    }

    /// Longest prefixes first where they overlap (the first match wins).
    public static let rules: [Rule] = [
        Rule(prefix: "CLUSTERDOWN", mayHaveTakenEffect: false, reason: "no leader known: refused before proposing"),
        Rule(prefix: "TRYAGAIN this node is no longer the leader", mayHaveTakenEffect: false,
             reason: "a forwarded write reached a node that is no longer leader; it refused before proposing"),
        Rule(prefix: "TRYAGAIN lost the leader", mayHaveTakenEffect: true,
             reason: "the leader died, was cut off or stepped down after the write was relayed or proposed: it may still commit"),
        Rule(prefix: "TRYAGAIN leader ", mayHaveTakenEffect: false,
             reason: "'leader X is unreachable': no link to the leader, the write was never forwarded"),
        Rule(prefix: "TRYAGAIN leadership transfer in progress", mayHaveTakenEffect: false,
             reason: "the leader refuses proposals while handing over"),
        Rule(prefix: "TRYAGAIN leadership changed, the write was not applied", mayHaveTakenEffect: false,
             reason: "another leader's entry took the write's log index, so it can never commit"),
        Rule(prefix: "TRYAGAIN a membership change is in progress", mayHaveTakenEffect: false,
             reason: "membership commands only: refused before proposing"),
        Rule(prefix: "TRYAGAIN configChangeInProgress", mayHaveTakenEffect: false, reason: "the core refused the proposal"),
        Rule(prefix: "TRYAGAIN invalidConfChange", mayHaveTakenEffect: false, reason: "the core refused the proposal"),
        Rule(prefix: "TRYAGAIN removed", mayHaveTakenEffect: false, reason: "the core refused the proposal"),
        Rule(prefix: "TRYAGAIN request timed out", mayHaveTakenEffect: true,
             reason: "proposed (or forwarded) and not applied within the node's request timeout: it may still commit"),
        Rule(prefix: "TRYAGAIN node is shutting down", mayHaveTakenEffect: true,
             reason: "refused at the door, or dropped while pending after proposing: the same text for both"),
        Rule(prefix: "ERR the leader sent an unreadable reply", mayHaveTakenEffect: true,
             reason: "the leader ran the forwarded write; its answer was lost"),
        Rule(prefix: "ERR this node is not a member", mayHaveTakenEffect: false, reason: "a non-member refuses data commands"),
        Rule(prefix: "ERR this node was removed", mayHaveTakenEffect: false, reason: "a removed node refuses data commands"),
        Rule(prefix: "ERR this node is not in a cluster yet", mayHaveTakenEffect: false, reason: "a node still joining refuses before relaying"),
        Rule(prefix: "ERR wrong number of arguments", mayHaveTakenEffect: false, reason: "arity is checked before proposing"),
        Rule(prefix: "ERR unknown command", mayHaveTakenEffect: false, reason: "not a command"),
        Rule(prefix: "ERR syntax error", mayHaveTakenEffect: false, reason: "checked before proposing"),
        Rule(prefix: "ERR value is not", mayHaveTakenEffect: false, reason: "checked before proposing, or the applied command changed nothing"),
        Rule(prefix: "ERR max number of clients", mayHaveTakenEffect: false, reason: "the connection was refused"),
        Rule(prefix: "WRONGTYPE", mayHaveTakenEffect: false, reason: "the applied command changed nothing"),
        Rule(prefix: "EXECABORT", mayHaveTakenEffect: false,
             reason: "EXEC refused a transaction with a command that failed to queue: the connection answers it without proposing, and the leader answers it before proposing when a queued command no longer resolves; no part of the transaction ran"),
        Rule(prefix: "NOAUTH", mayHaveTakenEffect: false, reason: "not authenticated: nothing ran"),
        Rule(prefix: "WRONGPASS", mayHaveTakenEffect: false, reason: "not authenticated: nothing ran"),
    ]

    /// The rule for `text`, or nil when the node's table does not know it.
    public static func rule(for text: String) -> Rule? {
        rules.first { text.hasPrefix($0.prefix) }
    }

    /// Whether a write answered with error `text` may have taken effect (unknown texts: yes).
    public static func writeMayHaveTakenEffect(_ text: String) -> Bool {
        rule(for: text)?.mayHaveTakenEffect ?? true
    }
}

/// How one operation ended, as the history records it.
public enum Completion: Sendable, Hashable {
    /// Took effect; the value is the result (the value read, true/false for cas, ...).
    case ok(Value)
    /// Certainly had no effect (an error the node gives before proposing, or any failed read).
    case fail(String)
    /// May or may not have taken effect: timeout, connection lost, an error after proposing.
    case info(String)

    public var historyType: String {
        switch self {
        case .ok: return "ok"
        case .fail: return "fail"
        case .info: return "info"
        }
    }
}
