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
        loop.preconditionInEventLoop()
        guard !stopped else { return loop.makeSucceededFuture(.error("TRYAGAIN node is shutting down")) }
        switch command.entry.route {
        case .node(.membership):
            return membershipCommand(command.arguments, forwardedFrom: forwardedFrom)
        case .node:
            return loop.makeSucceededFuture(Self.notReplicated(command.arguments))
        case .data(let data):
            if let removed = removedReply() { return removed }
            switch data.kind {
            case .admin: return loop.makeSucceededFuture(Self.notReplicated(command.arguments))
            case .read: return read(data, command.arguments)
            case .write: return write(data, command.arguments, forwardedFrom: forwardedFrom)
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

    private func write(_ command: Command, _ arguments: [[UInt8]], forwardedFrom: NodeID?) -> EventLoopFuture<RESPValue> {
        guard raft.role == .leader else {
            guard forwardedFrom == nil else { return loop.makeSucceededFuture(.error("TRYAGAIN this node is no longer the leader")) }
            guard let leader = raft.leader, leader != options.id else { return loop.makeSucceededFuture(Self.noLeader()) }
            return forward(arguments, to: leader)
        }
        let entry: [UInt8]
        switch machine.prepare(command, arguments, now: readNow()) {
        case .entry(let bytes): entry = bytes
        case .reply(let rejection): return loop.makeSucceededFuture(rejection)
        }
        // Proposed at the start of the next Ready with every other write of this loop turn.
        let promise = loop.makePromise(of: RESPValue.self)
        shell.write(entry, token: register(promise, arguments: arguments, command: command, forwardedFrom: forwardedFrom))
        scheduleReady()
        return promise.futureResult
    }

    // MARK: reads

    /// "Now" for reads and for preparing writes: the replicated clock or later, so a key the log
    /// has expired never reappears on a node whose wall clock lags the previous leader's.
    func readNow() -> Int64 { max(Self.nowMillis(), machine.store.clock) }

    private func read(_ command: Command, _ arguments: [[UInt8]]) -> EventLoopFuture<RESPValue> {
        // --unsafe-fault stale-local-reads forces the local path too (UNSAFE, on purpose only).
        if servesLocalReads {
            return loop.makeSucceededFuture(machine.read(command, arguments, now: readNow()))
        }
        let promise = loop.makePromise(of: RESPValue.self)
        let token = register(promise, arguments: arguments, command: command, forwardedFrom: nil)
        perform(shell.read(token: token, now: Self.monotonicMillis()))
        scheduleReady()
        return promise.futureResult
    }
}
