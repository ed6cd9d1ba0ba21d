import RESP

/// The client port's policies, as checks on a resolved command (not on its name): until a
/// connection authenticates only `no_auth` commands run (Redis's requirepass); once shutdown
/// began only QUIT does, so clients retry elsewhere while accepted requests finish.
struct CommandPolicy: Sendable {
    /// The password; nil means Redis's `nopass` default user.
    let password: [UInt8]?
    let operations: ServerOperations

    static let noAuth = RESPValue.error("NOAUTH Authentication required.")
    static let shuttingDown = RESPValue.error("TRYAGAIN node is shutting down")

    /// The error to answer instead of running `command`, or nil to run it.
    func refusal(for command: ResolvedCommand, authenticated: Bool) -> RESPValue? {
        if password != nil, !authenticated, !command.flags.contains(.noAuth) { return Self.noAuth }
        if operations.isDraining, !Self.servedWhileDraining(command) { return Self.shuttingDown }
        return nil
    }

    /// What a draining node still serves: QUIT, so a client can leave cleanly.
    static func servedWhileDraining(_ command: ResolvedCommand) -> Bool {
        if case .node(.quit) = command.entry.route { return true }
        return false
    }
}
