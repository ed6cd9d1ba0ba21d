// MULTI ... EXEC as one log entry, so a transaction is applied whole or not at all on every
// replica, in the same place of the log. Its argument vector (a `LogEntry`'s args):
//
//   "txn.exec", W, W x (key, fingerprint), N, N x (argc, argc x argument)
//
// with W, N, argc and the fingerprints in decimal. The watched keys and the fingerprints their
// WATCH saw (KeyFingerprint) let every replica decide alike whether EXEC runs; the commands
// are the queued ones, as the leader prepared them (relative TTLs made absolute, seeds drawn).

public struct TransactionEntry: Equatable, Sendable {
    /// Not "exec": EXEC is the connection's command; this is what it sends through the log.
    public static let name: [UInt8] = Array("txn.exec".utf8)
    /// Stands for a queued command the leader's preparer refused: applying it replies `message`
    /// (Redis reports such errors per command inside EXEC's reply, not as a failed EXEC).
    static let refusedMarker: [UInt8] = Array("#refused".utf8)

    public var watched: [(key: ByteKey, fingerprint: UInt64)]
    public var commands: [[[UInt8]]]

    public init(watched: [(key: ByteKey, fingerprint: UInt64)], commands: [[[UInt8]]]) {
        self.watched = watched
        self.commands = commands
    }

    public static func == (a: TransactionEntry, b: TransactionEntry) -> Bool {
        a.commands == b.commands && a.watched.map(\.key) == b.watched.map(\.key)
            && a.watched.map(\.fingerprint) == b.watched.map(\.fingerprint)
    }

    /// True for an argument vector that names the transaction entry (case-insensitive).
    public static func isTransaction(_ args: [[UInt8]]) -> Bool {
        guard let first = args.first, first.count == 8 else { return false }
        return first.map { $0 | 0x20 } == name
    }

    public var arguments: [[UInt8]] {
        var out: [[UInt8]] = [Self.name, digits(watched.count)]
        for (k, fp) in watched { out.append(k.bytes); out.append(Array(String(fp).utf8)) }
        out.append(digits(commands.count))
        for c in commands {
            out.append(digits(c.count))
            out.append(contentsOf: c)
        }
        return out
    }

    /// Parses `arguments`' layout; nil when it is malformed (never traps).
    public init?(arguments args: [[UInt8]]) {
        guard Self.isTransaction(args) else { return nil }
        var i = 1
        func number() -> Int? {
            guard i < args.count, let n = Int(String(decoding: args[i], as: UTF8.self)), n >= 0 else { return nil }
            i += 1
            return n
        }
        guard let w = number(), w <= (args.count - i) / 2 else { return nil }
        var watched: [(key: ByteKey, fingerprint: UInt64)] = []
        for _ in 0..<w {
            guard let fp = UInt64(String(decoding: args[i + 1], as: UTF8.self)) else { return nil }
            watched.append((ByteKey(args[i]), fp))
            i += 2
        }
        guard let n = number(), n <= args.count - i else { return nil }
        var commands: [[[UInt8]]] = []
        for _ in 0..<n {
            guard let argc = number(), argc >= 1, argc <= args.count - i else { return nil }
            commands.append(Array(args[i..<i + argc]))
            i += argc
        }
        guard i == args.count else { return nil }
        self.watched = watched
        self.commands = commands
    }

    private func digits(_ n: Int) -> [UInt8] { Array(String(n).utf8) }
}
