import NIOConcurrencyHelpers
import NIOCore
import RESP

/// Redis's `requirepass` and `AUTH`, in front of the node's command handler: until a connection
/// authenticates, every command but AUTH, HELLO and QUIT gets `NOAUTH`. Replies are Redis's own
/// words, so clients that handle Redis handle these.
struct AuthenticatingCommandHandler: ClientCommandHandler {
    let inner: any ClientCommandHandler
    /// The password; nil means Redis's `nopass` default user (AUTH still behaves as Redis does).
    let password: [UInt8]?
    let sessions: AuthenticatedConnections

    static let noAuth = RESPValue.error("NOAUTH Authentication required.")
    static let wrongPass = RESPValue.error("WRONGPASS invalid username-password pair or user is disabled.")
    static let helloNoAuth = RESPValue.error(
        "NOAUTH HELLO must be called with the client already authenticated, otherwise the HELLO <proto> AUTH <user> <pass> option can be used to authenticate the client and select the RESP protocol version at the same time")
    static let noPasswordConfigured = RESPValue.error(
        "ERR AUTH <password> called without any password configured for the default user. Are you sure your configuration is correct?")

    func handle(_ arguments: [[UInt8]], context: ClientRequestContext) -> EventLoopFuture<RESPValue> {
        let loop = context.connection.eventLoop
        let id = context.connection.id
        // Only AUTH, QUIT (4 bytes) and HELLO (5) are looked at by name: no per-request
        // string work for the data commands on the hot path.
        let first = arguments.first ?? []
        let name = first.count == 4 || first.count == 5 ? String(decoding: first, as: UTF8.self).lowercased() : ""
        switch name {
        case "auth":
            return loop.makeSucceededFuture(auth(Array(arguments.dropFirst()), connection: id))
        case "hello":
            if let reply = helloAuth(Array(arguments.dropFirst()), connection: id) { return loop.makeSucceededFuture(reply) }
            return inner.handle(arguments, context: context)
        case "quit":
            return inner.handle(arguments, context: context)
        default:
            guard password == nil || sessions.contains(id) else { return loop.makeSucceededFuture(Self.noAuth) }
            return inner.handle(arguments, context: context)
        }
    }

    /// AUTH password | AUTH username password. Only the `default` user exists.
    private func auth(_ args: [[UInt8]], connection: UInt64) -> RESPValue {
        switch args.count {
        case 1:
            guard password != nil else { return Self.noPasswordConfigured }
            return check(user: Array("default".utf8), args[0], connection: connection)
        case 2:
            return check(user: args[0], args[1], connection: connection)
        default:
            return .error("ERR wrong number of arguments for 'auth' command")
        }
    }

    private func check(user: [UInt8], _ given: [UInt8], connection: UInt64) -> RESPValue {
        guard user == Array("default".utf8) else { return Self.wrongPass }
        if let password {
            guard constantTimeMatch(given, password) else { return Self.wrongPass }
        }
        sessions.insert(connection)
        return .ok
    }

    /// HELLO [protover [AUTH user pass] [SETNAME name]]: authenticates when AUTH is present;
    /// an error reply when it must refuse, nil to let the node answer HELLO.
    private func helloAuth(_ args: [[UInt8]], connection: UInt64) -> RESPValue? {
        var i = 1
        while i < args.count {
            let option = String(decoding: args[i], as: UTF8.self).uppercased()
            if option == "AUTH", i + 2 < args.count {
                let reply = check(user: args[i + 1], args[i + 2], connection: connection)
                if reply != .ok { return reply }
                i += 3
            } else if option == "SETNAME", i + 1 < args.count {
                i += 2
            } else {
                return nil  // the node reports the syntax error
            }
        }
        guard password == nil || sessions.contains(connection) else { return Self.helloNoAuth }
        return nil
    }

    /// Compares without an early exit, so the time taken does not reveal a matching prefix.
    private func constantTimeMatch(_ a: [UInt8], _ b: [UInt8]) -> Bool {
        var diff = UInt8(truncatingIfNeeded: a.count ^ b.count)
        for i in 0..<max(a.count, b.count) {
            diff |= (i < a.count ? a[i] : 0) ^ (i < b.count ? b[i] : 0)
        }
        return diff == 0
    }
}

/// The client connections that have authenticated (forgotten when they close).
final class AuthenticatedConnections: Sendable {
    private let ids = NIOLockedValueBox(Set<UInt64>())
    func contains(_ id: UInt64) -> Bool { ids.withLockedValue { $0.contains(id) } }
    func insert(_ id: UInt64) { ids.withLockedValue { _ = $0.insert(id) } }
    func remove(_ id: UInt64) { ids.withLockedValue { _ = $0.remove(id) } }
}
