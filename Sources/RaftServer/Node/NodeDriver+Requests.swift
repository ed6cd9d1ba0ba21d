import KeyValueStore
import NIOCore
import PeerWire
import RESP
import RaftCore
import RaftShell

// Client commands that need Raft: writes are proposed on the leader (forwarded to it from a
// follower), reads are served after ReadIndex (dissertation §6.4) or locally.

extension NodeDriver {
    static func noLeader() -> RESPValue { .error("CLUSTERDOWN No leader elected yet, try again") }

    /// Runs a command that did not come through a client connection (an application's
    /// `request`, a follower's relay): resolved here, once, from the node's table.
    func submit(_ arguments: [[UInt8]], forwardedFrom: NodeID? = nil) -> EventLoopFuture<RESPValue> {
        switch commands.resolve(arguments) {
        case .failure(let error): return loop.makeSucceededFuture(error.reply)
        case .success(let command): return submit(command, forwardedFrom: forwardedFrom)
        }
    }

    /// Runs a resolved data or membership command; called on `loop`. `forwardedFrom` is set when
    /// a follower relayed it: such a request is never relayed again (no forwarding loops while
    /// leadership moves). The node's other commands belong to the client port
    /// (NodeCommandHandler) and are never proposed.
    func submit(_ command: ResolvedCommand, forwardedFrom: NodeID? = nil) -> EventLoopFuture<RESPValue> {
        let promise = loop.makePromise(of: RESPValue.self)
        submit(command, forwardedFrom: forwardedFrom) { promise.succeed($0) }
        return promise.futureResult
    }

    /// `submit` answering through `reply` (on `loop`): the client port's path, which costs no
    /// future per request.
    func submit(_ command: ResolvedCommand, forwardedFrom: NodeID? = nil, reply: @escaping (RESPValue) -> Void) {
        loop.preconditionInEventLoop()
        guard !stopped else { return reply(.error("TRYAGAIN node is shutting down")) }
        switch command.entry.route {
        case .node(.membership):
            Self.deliver(membershipCommand(command.arguments, forwardedFrom: forwardedFrom), to: reply)
        case .node:
            reply(Self.notReplicated(command.arguments))
        case .data(let data):
            if let removed = removedReply() { return Self.deliver(removed, to: reply) }
            switch data.kind {
            case .admin: reply(Self.notReplicated(command.arguments))
            case .read: read(data, command.arguments, reply: reply)
            case .write: write(data, command.arguments, forwardedFrom: forwardedFrom, reply: reply)
            }
        }
    }

    /// Passes what `future` completes with to `reply` (a failure as an ERR reply).
    static func deliver(_ future: EventLoopFuture<RESPValue>, to reply: @escaping (RESPValue) -> Void) {
        future.whenComplete { result in
            switch result {
            case .success(let value): reply(value)
            case .failure(let error): reply(.error("ERR \(error)"))
            }
        }
    }

    static func notReplicated(_ arguments: [[UInt8]]) -> RESPValue {
        let name = String(decoding: (arguments.first ?? []).prefix(128), as: UTF8.self)
        return .error("ERR '\(name)' is a node command and cannot run through the log")
    }

    private static func nowMillis() -> Int64 {
        Int64(clock_gettime_realtime_millis())
    }

    // MARK: writes

    private func write(_ command: Command, _ arguments: [[UInt8]], forwardedFrom: NodeID?, reply: @escaping (RESPValue) -> Void) {
        guard raft.role == .leader else {
            guard forwardedFrom == nil else { return reply(.error("TRYAGAIN this node is no longer the leader")) }
            guard let leader = raft.leader, leader != options.id else {
                // An election is under way: the write waits for its outcome, briefly, and comes
                // back as `.resubmit` (NodeShell+LeaderWait.swift), or gets CLUSTERDOWN.
                let token = register(arguments: arguments, command: command, forwardedFrom: nil, reply: reply)
                return perform(shell.awaitLeader(token, now: Self.monotonicMillis()))
            }
            return Self.deliver(forward(arguments, to: leader), to: reply)
        }
        let entry: [UInt8]
        switch machine.prepare(command, arguments, now: readNow()) {
        case .entry(let bytes): entry = bytes
        case .reply(let rejection): return reply(rejection)
        }
        // Proposed at the start of the next Ready with every other write of this loop turn.
        shell.write(entry, token: register(arguments: arguments, command: command, forwardedFrom: forwardedFrom, reply: reply))
        scheduleReady()
    }

    /// `.resubmit`: a write that waited for a leader takes the usual way now that one is known.
    func resubmit(_ token: RequestToken) {
        guard let r = requests.removeValue(forKey: token) else { return }
        guard let command = r.command else { return r.reply(Self.noLeader()) }
        write(command, r.arguments, forwardedFrom: r.forwardedFrom, reply: r.reply)
    }

    // MARK: reads

    /// "Now" for reads and for preparing writes: the replicated clock or later, so a key the log
    /// has expired never reappears on a node whose wall clock lags the previous leader's.
    func readNow() -> Int64 { max(Self.nowMillis(), machine.store.clock) }

    private func read(_ command: Command, _ arguments: [[UInt8]], reply: @escaping (RESPValue) -> Void) {
        // --unsafe-fault stale-local-reads forces the local path too (UNSAFE, on purpose only).
        if servesLocalReads {
            return reply(machine.read(command, arguments, now: readNow()))
        }
        let token = register(arguments: arguments, command: command, forwardedFrom: nil, reply: reply)
        perform(shell.read(token: token, now: Self.monotonicMillis()))
        scheduleReady()
    }
}
