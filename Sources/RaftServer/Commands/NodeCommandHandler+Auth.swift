import RESP

// Redis's requirepass and AUTH, as the node's AUTH and HELLO commands: they set the session's
// `authenticated`, which `CommandPolicy` checks on every other command. Replies are Redis's own
// words, so clients that handle Redis handle these.
extension NodeCommandHandler {
    static let wrongPass = RESPValue.error("WRONGPASS invalid username-password pair or user is disabled.")
    static let helloNoAuth = RESPValue.error(
        "NOAUTH HELLO must be called with the client already authenticated, otherwise the HELLO <proto> AUTH <user> <pass> option can be used to authenticate the client and select the RESP protocol version at the same time")
    static let noPasswordConfigured = RESPValue.error(
        "ERR AUTH <password> called without any password configured for the default user. Are you sure your configuration is correct?")

    /// AUTH password | AUTH username password. Users: `default` (the --requirepass password, or
    /// none) and, when configured, `admin` (--admin-pass-file), who may run admin commands.
    func auth(_ args: [[UInt8]], session: ClientSession) -> RESPValue {
        switch args.count {
        case 1:
            guard policy.password != nil else { return Self.noPasswordConfigured }
            return check(user: Array("default".utf8), args[0], session: session)
        case 2:
            return check(user: args[0], args[1], session: session)
        default:
            return .error("ERR syntax error")  // Redis 7's answer to more than two arguments
        }
    }

    private func check(user: [UInt8], _ given: [UInt8], session: ClientSession) -> RESPValue {
        if user == Array("admin".utf8), let adminPassword = policy.adminPassword {
            guard Self.constantTimeMatch(given, adminPassword) else { return Self.wrongPass }
            session.authenticated = true
            session.admin = true
            return .ok
        }
        guard user == Array("default".utf8) else { return Self.wrongPass }
        if let password = policy.password {
            guard Self.constantTimeMatch(given, password) else { return Self.wrongPass }
        }
        session.authenticated = true
        session.admin = false  // AUTH switches user, as in Redis
        return .ok
    }

    /// HELLO [protover [AUTH user pass] [SETNAME name]]: authenticates when AUTH is present;
    /// an error reply when it must refuse, nil to let the node answer HELLO.
    func helloAuth(_ args: [[UInt8]], session: ClientSession) -> RESPValue? {
        var i = 1
        while i < args.count {
            let option = String(decoding: args[i], as: UTF8.self).uppercased()
            if option == "AUTH", i + 2 < args.count {
                let reply = check(user: args[i + 1], args[i + 2], session: session)
                if reply != .ok { return reply }
                i += 3
            } else if option == "SETNAME", i + 1 < args.count {
                i += 2
            } else {
                return nil  // HELLO reports the syntax error
            }
        }
        guard policy.password == nil || session.authenticated else { return Self.helloNoAuth }
        return nil
    }

    /// Compares without an early exit, so the time taken does not reveal a matching prefix.
    static func constantTimeMatch(_ a: [UInt8], _ b: [UInt8]) -> Bool {
        var diff = UInt8(truncatingIfNeeded: a.count ^ b.count)
        for i in 0..<max(a.count, b.count) {
            diff |= (i < a.count ? a[i] : 0) ^ (i < b.count ? b[i] : 0)
        }
        return diff == 0
    }
}
