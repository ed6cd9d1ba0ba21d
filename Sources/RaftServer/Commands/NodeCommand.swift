/// The node's own commands: answered by the node (`NodeCommandHandler`), never entering the log
/// as data. A new one is a case here, a row in `NodeCommand.all`, and a case in
/// `NodeCommandHandler.run(_:_:context:)`.
enum NodeCommand: Sendable, Hashable {
    case ping, echo, quit, select, hello, time, command, config, client, info, auth
    /// pyraft's CHECKPOINT (take a snapshot now), GETDUMP (the store as text), GETLOG (log lines).
    case checkpoint, getdump, getlog
    /// SHUTDOWN [NOSAVE|SAVE] [NOW] [FORCE] [ABORT] (Redis's, pyraft's `shutdown`).
    case shutdown
    /// RAFT.ADD/add_node, RAFT.REMOVE/del_node, RAFT.TRANSFER, RAFT.STATUS, RAFT.JOIN: run by
    /// the driver on the leader (relayed from followers like writes).
    case membership
    /// Transactions (NodeCommandHandler+Transactions.swift) and Pub/Sub (+PubSub.swift): state
    /// of the connection, kept in its ClientSession.
    case multi, exec, discard, watch, unwatch
    case subscribe, unsubscribe, psubscribe, punsubscribe, pubsub
    /// ROLE: the leader as master, the others as replicas of it (NodeDriver+Role.swift).
    case role

    /// One row of the table: what COMMAND INFO and COMMAND DOCS say about it.
    struct Row: Sendable {
        var name: String
        var command: NodeCommand
        var arity: Int
        var flags: CommandFlags
        /// One of Redis's COMMAND DOCS groups (connection, server, cluster...).
        var group: String
        /// The Redis version that added it, or the raft-node version for the node's own.
        var since: String
        var summary: String
    }

    /// Arity and flags are Redis 7.2's where Redis has the command (so clients that read
    /// COMMAND INFO see what they expect); pyraft's and the RAFT.* commands take what their
    /// handlers check themselves (-1) and are `admin` when they change or expose the cluster.
    static let all: [Row] = [
        Row(name: "ping", command: .ping, arity: -1, flags: [.fast, .sentinel], group: "connection", since: "1.0.0", summary: "Returns the server's liveliness response."),
        Row(name: "echo", command: .echo, arity: 2, flags: [.fast], group: "connection", since: "1.0.0", summary: "Returns the given string."),
        Row(name: "quit", command: .quit, arity: -1, flags: [.noScript, .loading, .stale, .fast, .noAuth, .allowBusy], group: "connection", since: "1.0.0", summary: "Closes the connection."),
        Row(name: "select", command: .select, arity: 2, flags: [.loading, .stale, .fast], group: "connection", since: "1.0.0", summary: "Changes the selected database (only 0 exists)."),
        Row(name: "hello", command: .hello, arity: -1, flags: [.noScript, .loading, .stale, .fast, .noAuth, .sentinel, .allowBusy], group: "connection", since: "6.0.0", summary: "Handshakes with the server, optionally authenticating and choosing RESP2 or RESP3."),
        Row(name: "time", command: .time, arity: 1, flags: [.loading, .stale, .fast], group: "server", since: "2.6.0", summary: "Returns the server time."),
        Row(name: "command", command: .command, arity: -1, flags: [.loading, .stale, .sentinel], group: "server", since: "2.8.13", summary: "Returns detailed information about all commands (COUNT, INFO, DOCS, LIST)."),
        Row(name: "config", command: .config, arity: -2, flags: [.admin, .noScript, .loading, .stale], group: "server", since: "2.0.0", summary: "Reads the node's configuration (GET); SET only accepts the value in effect."),
        Row(name: "client", command: .client, arity: -2, flags: [.noScript, .loading, .stale], group: "connection", since: "2.4.0", summary: "Information about this connection (ID, INFO, GETNAME...)."),
        Row(name: "info", command: .info, arity: -1, flags: [.loading, .stale, .sentinel], group: "server", since: "1.0.0", summary: "Returns information and statistics about the node, Raft included."),
        Row(name: "auth", command: .auth, arity: -2, flags: [.noScript, .loading, .stale, .fast, .noAuth, .sentinel, .allowBusy], group: "connection", since: "1.0.0", summary: "Authenticates the connection."),
        Row(name: "checkpoint", command: .checkpoint, arity: -1, flags: [.admin, .noScript, .noMulti], group: "server", since: "raft-node 0.1.0", summary: "Takes a snapshot now and answers its index once durable; CHECKPOINT FILE path (or pyraft's CHECKPOINT path) also copies it to path."),
        Row(name: "shutdown", command: .shutdown, arity: -1, flags: [.admin, .noScript, .loading, .stale, .noMulti, .sentinel, .allowBusy], group: "server", since: "1.0.0", summary: "Stops the node gracefully (a leader hands over first); SAVE checkpoints first, NOW skips the handover."),
        Row(name: "getdump", command: .getdump, arity: -1, flags: [.admin, .noScript], group: "server", since: "raft-node 0.1.0", summary: "Returns the whole store as text (pyraft)."),
        Row(name: "getlog", command: .getlog, arity: -1, flags: [.admin, .noScript], group: "server", since: "raft-node 0.1.0", summary: "Returns the newest Raft log entries as text (pyraft)."),
        Row(name: "raft.add", command: .membership, arity: -1, flags: [.admin, .noScript], group: "cluster", since: "raft-node 0.1.0", summary: "Adds a node to the cluster (as a learner, promoted once caught up)."),
        Row(name: "add_node", command: .membership, arity: -1, flags: [.admin, .noScript], group: "cluster", since: "raft-node 0.1.0", summary: "pyraft's name for RAFT.ADD."),
        Row(name: "raft.remove", command: .membership, arity: -1, flags: [.admin, .noScript], group: "cluster", since: "raft-node 0.1.0", summary: "Removes a node from the cluster."),
        Row(name: "del_node", command: .membership, arity: -1, flags: [.admin, .noScript], group: "cluster", since: "raft-node 0.1.0", summary: "pyraft's name for RAFT.REMOVE."),
        Row(name: "raft.transfer", command: .membership, arity: -1, flags: [.admin, .noScript], group: "cluster", since: "raft-node 0.1.0", summary: "Transfers leadership to a member."),
        Row(name: "raft.status", command: .membership, arity: -1, flags: [.loading, .stale, .fast], group: "cluster", since: "raft-node 0.1.0", summary: "Returns the members, their roles and replication progress."),
        Row(name: "raft.probe", command: .membership, arity: 1, flags: [.loading, .stale, .fast], group: "cluster", since: "raft-node 0.1.0", summary: "Answers what this node knows of itself (sent between nodes of a static ensemble at start-up)."),
        Row(name: "raft.join", command: .membership, arity: -1, flags: [.admin, .noScript], group: "cluster", since: "raft-node 0.1.0", summary: "Asks the leader to admit the sender (sent by a joining node)."),
        Row(name: "role", command: .role, arity: 1, flags: [.noScript, .loading, .stale, .fast, .sentinel], group: "server", since: "2.8.12", summary: "Returns the replication role: the Raft leader is the master, the other nodes its replicas."),
        Row(name: "multi", command: .multi, arity: 1, flags: [.noScript, .loading, .stale, .fast, .allowBusy], group: "transactions", since: "1.2.0", summary: "Starts a transaction."),
        Row(name: "exec", command: .exec, arity: 1, flags: [.noScript, .loading, .stale], group: "transactions", since: "1.2.0", summary: "Executes all commands in a transaction, as one Raft log entry."),
        Row(name: "discard", command: .discard, arity: 1, flags: [.noScript, .loading, .stale, .fast, .allowBusy], group: "transactions", since: "2.0.0", summary: "Discards a transaction."),
        Row(name: "watch", command: .watch, arity: -2, flags: [.noScript, .loading, .stale, .fast, .allowBusy], group: "transactions", since: "2.2.0", summary: "Monitors changes to keys to determine the execution of a transaction."),
        Row(name: "unwatch", command: .unwatch, arity: 1, flags: [.noScript, .loading, .stale, .fast, .allowBusy], group: "transactions", since: "2.2.0", summary: "Forgets about watched keys of a transaction."),
        Row(name: "subscribe", command: .subscribe, arity: -2, flags: [.pubsub, .noScript, .loading, .stale], group: "pubsub", since: "2.0.0", summary: "Listens for messages published to channels (of every node: PUBLISH goes through the log)."),
        Row(name: "unsubscribe", command: .unsubscribe, arity: -1, flags: [.pubsub, .noScript, .loading, .stale], group: "pubsub", since: "2.0.0", summary: "Stops listening to messages posted to channels."),
        Row(name: "psubscribe", command: .psubscribe, arity: -2, flags: [.pubsub, .noScript, .loading, .stale], group: "pubsub", since: "2.0.0", summary: "Listens for messages published to channels that match one or more patterns."),
        Row(name: "punsubscribe", command: .punsubscribe, arity: -1, flags: [.pubsub, .noScript, .loading, .stale], group: "pubsub", since: "2.0.0", summary: "Stops listening to messages published to channels that match one or more patterns."),
        Row(name: "pubsub", command: .pubsub, arity: -2, flags: [.pubsub, .loading, .stale], group: "pubsub", since: "2.8.0", summary: "Inspects this node's Pub/Sub state (CHANNELS, NUMSUB, NUMPAT)."),
    ]
}
