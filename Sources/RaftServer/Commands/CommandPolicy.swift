import RESP

/// The client port's policies, as checks on a resolved command (not on its name): until a
/// connection authenticates only `no_auth` commands run (Redis's requirepass); when an admin
/// user is configured, admin commands run only for a connection authenticated as it (Redis's
/// ACL NOPERM); once shutdown began only QUIT runs, so clients retry elsewhere while accepted
/// requests finish.
struct CommandPolicy: Sendable {
    /// The password; nil means Redis's `nopass` default user.
    let password: [UInt8]?
    /// The `admin` user's password; nil: no admin user, and admin commands are open to anyone
    /// who may run commands at all (Redis's default user has every permission).
    var adminPassword: [UInt8]? = nil
    let operations: ServerOperations

    /// Redis's ACL refusal, word for word (Redis 7.0).
    static func noPermission(_ command: ResolvedCommand) -> RESPValue {
        .error("NOPERM this user has no permissions to run the '\(command.name)' command")
    }

    /// Data commands that are not `admin` in COMMAND INFO but are in Redis's `@dangerous` ACL
    /// category and wipe the whole store: the admin user's too.
    static let dangerousDataCommands: Set<String> = ["flushall", "flushdb"]

    /// Whether only the admin user may run `command` (when one is configured).
    static func needsAdmin(_ command: ResolvedCommand) -> Bool {
        command.flags.contains(.admin) || dangerousDataCommands.contains(command.name)
    }

    static let noAuth = RESPValue.error("NOAUTH Authentication required.")
    static let shuttingDown = RESPValue.error("TRYAGAIN node is shutting down")

    /// The error to answer instead of running `command`, or nil to run it.
    func refusal(for command: ResolvedCommand, authenticated: Bool, admin: Bool = false) -> RESPValue? {
        if password != nil, !authenticated, !command.flags.contains(.noAuth) { return Self.noAuth }
        if adminPassword != nil, !admin, Self.needsAdmin(command) { return Self.noPermission(command) }
        if operations.isDraining, !Self.servedWhileDraining(command) { return Self.shuttingDown }
        return nil
    }

    /// What a draining node still serves: QUIT, so a client can leave cleanly.
    static func servedWhileDraining(_ command: ResolvedCommand) -> Bool {
        if case .node(.quit) = command.entry.route { return true }
        return false
    }
}
