import NIOCore
import RESP

// SHUTDOWN and CHECKPOINT, the node's operator commands (admin: NOPERM without the admin user
// when one is configured; CommandPolicy).

/// SHUTDOWN [NOSAVE|SAVE] [NOW] [FORCE] [ABORT], Redis's options adapted to a Raft node whose
/// log is always durable: SAVE takes a snapshot (CHECKPOINT) first, NOSAVE (the default) does
/// not; NOW skips the wait for in-flight requests and the leader's handover; FORCE shuts down
/// even when the SAVE snapshot fails; ABORT cancels a shutdown in progress (there is none a
/// client can still reach: once it starts the port answers only QUIT).
struct ShutdownRequest: Equatable {
    var save = false
    var now = false
    var force = false
    var abort = false

    static func parse(_ args: [String]) -> ShutdownRequest? {
        var r = ShutdownRequest()
        var noSave = false
        for a in args {
            switch a.uppercased() {
            case "SAVE": r.save = true
            case "NOSAVE": noSave = true
            case "NOW": r.now = true
            case "FORCE": r.force = true
            case "ABORT": r.abort = true
            default: return nil
            }
        }
        if r.save && noSave { return nil }
        if r.abort && (r.save || noSave || r.now || r.force) { return nil }
        return r
    }
}

extension NodeCommandHandler {
    /// Redis's texts for a failed SHUTDOWN and an ABORT with nothing to abort.
    static let shutdownFailed = RESPValue.error("ERR Errors trying to SHUTDOWN. Check logs.")
    static let noShutdownInProgress = RESPValue.error("ERR No shutdown in progress.")

    func shutdown(_ args: [String], context: ClientRequestContext) -> EventLoopFuture<RESPValue> {
        let loop = context.connection.eventLoop
        guard let request = ShutdownRequest.parse(args) else { return loop.makeSucceededFuture(.error("ERR syntax error")) }
        if request.abort { return loop.makeSucceededFuture(Self.noShutdownInProgress) }
        let driver = self.driver, server = self.server
        let saved: EventLoopFuture<Bool> =
            request.save
            ? driver.loop.flatSubmit { driver.checkpoint() }.hop(to: loop).map { _ in true }.recover { error in
                driver.logger.error("SHUTDOWN SAVE: the snapshot failed: \(error)\(request.force ? "; FORCE: shutting down anyway" : "")")
                return false
            }
            : loop.makeSucceededFuture(true)
        return saved.map { ok in
            guard ok || request.force else { return Self.shutdownFailed }
            driver.logger.info("SHUTDOWN\(args.isEmpty ? "" : " " + args.joined(separator: " ").uppercased()) from a client: stopping")
            // As Redis: the server quits without answering; the client reads the close.
            context.closeInsteadOfReplying()
            Task { await server.shutdown(skippingHandover: request.now) }
            return .ok
        }
    }

    /// CHECKPOINT: a snapshot now, answered with its index. CHECKPOINT FILE path, or pyraft's
    /// CHECKPOINT path: the snapshot also copied to path, answered with where it went.
    func checkpoint(_ args: [String]) -> EventLoopFuture<RESPValue> {
        let driver = self.driver
        let path: String
        switch args.count {
        case 0:
            return driver.loop.flatSubmit { driver.checkpoint().map { .integer(Int64($0.rawValue)) } }
        case 1: path = args[0]
        case 2 where args[0].uppercased() == "FILE": path = args[1]
        default: return driver.loop.makeSucceededFuture(.error("ERR syntax error: CHECKPOINT [FILE path]"))
        }
        guard !path.isEmpty else { return driver.loop.makeSucceededFuture(.error("ERR the file name is empty")) }
        return driver.loop.flatSubmit { driver.checkpoint(alsoTo: path) }
            .map { copy in .simpleString("snapshot at index \(copy.index.rawValue) written to \(copy.path)") }
            .recover { error in
                if let e = error as? NodeOptionError { return .error(e.description.hasPrefix("ERR") ? e.description : "ERR \(e.description)") }
                return .error("ERR checkpoint failed: \(error)")
            }
    }
}
