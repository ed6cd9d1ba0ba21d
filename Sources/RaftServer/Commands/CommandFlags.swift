/// A command's flags as Redis's COMMAND INFO names them (Redis 7 `COMMAND INFO`, "flags"). The
/// client port's policies read them: `noAuth` commands run before AUTH, `readonly`/`write` say
/// whether a data command reads or goes through the log, `admin` marks operator commands.
struct CommandFlags: OptionSet, Sendable, Hashable {
    let rawValue: UInt32

    static let write = CommandFlags(rawValue: 1 << 0)
    static let readonly = CommandFlags(rawValue: 1 << 1)
    static let admin = CommandFlags(rawValue: 1 << 2)
    static let noAuth = CommandFlags(rawValue: 1 << 3)
    static let loading = CommandFlags(rawValue: 1 << 4)
    static let stale = CommandFlags(rawValue: 1 << 5)
    static let fast = CommandFlags(rawValue: 1 << 6)
    static let noScript = CommandFlags(rawValue: 1 << 7)
    static let allowBusy = CommandFlags(rawValue: 1 << 8)
    static let sentinel = CommandFlags(rawValue: 1 << 9)
    static let noMulti = CommandFlags(rawValue: 1 << 10)
    static let blocking = CommandFlags(rawValue: 1 << 11)
    static let pubsub = CommandFlags(rawValue: 1 << 12)
    /// The keys' positions depend on the arguments (a numkeys argument): COMMAND GETKEYS finds them.
    static let movableKeys = CommandFlags(rawValue: 1 << 13)

    /// Redis's spelling of each flag, in the order COMMAND INFO lists them.
    static let redisNames: [(CommandFlags, String)] = [
        (.write, "write"), (.readonly, "readonly"), (.admin, "admin"), (.pubsub, "pubsub"),
        (.noScript, "noscript"), (.blocking, "blocking"), (.loading, "loading"), (.stale, "stale"),
        (.fast, "fast"), (.noAuth, "no_auth"), (.allowBusy, "allow_busy"), (.noMulti, "no_multi"),
        (.sentinel, "sentinel"), (.movableKeys, "movablekeys"),
    ]

    /// The flags' names as COMMAND INFO shows them.
    var names: [String] { Self.redisNames.compactMap { contains($0.0) ? $0.1 : nil } }
}
