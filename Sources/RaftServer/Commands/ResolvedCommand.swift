import KeyValueStore

/// A request resolved once, on the connection, from the `CommandTable`: everything after (the
/// policies, the dispatch, the driver's submit, `prepare`, `read`) works from this, never from
/// the name again.
struct ResolvedCommand: Sendable {
    let entry: CommandTable.Entry
    /// The full argument vector; `arguments[0]` is the name as the client spelled it.
    let arguments: [[UInt8]]

    var name: String { entry.name }
    var flags: CommandFlags { entry.flags }
}

extension CommandTable {
    /// What runs a command.
    enum Route: Sendable {
        /// One of the node's own commands.
        case node(NodeCommand)
        /// A KeyValueStore command (built-in or the application's): `.read` served after a
        /// ReadIndex, `.write` through the log, `.admin` refused (never proposed).
        case data(Command)
    }

    /// One row: what resolving a name gives, and what COMMAND INFO and COMMAND DOCS show. A
    /// class, so a resolved command costs one reference count, not one per field.
    final class Entry: Sendable {
        /// Lower case, as errors and COMMAND show it.
        let name: String
        /// Redis's rule: positive = exactly this many arguments with the name, negative = at least.
        let arity: Int
        let flags: CommandFlags
        let route: Route
        /// COMMAND DOCS' three fields that are always present.
        let group: String
        let since: String
        let summary: String
        /// Where the keys are (COMMAND INFO's key positions, COMMAND GETKEYS).
        let keys: KeyPositions

        init(name: String, arity: Int, flags: CommandFlags, route: Route, group: String, since: String, summary: String, keys: KeyPositions = .none) {
            self.name = name
            self.arity = arity
            self.flags = flags
            self.route = route
            self.group = group
            self.since = since
            self.summary = summary
            self.keys = keys
        }

        func acceptsArgumentCount(_ count: Int) -> Bool { arity >= 0 ? count == arity : count >= -arity }

        /// The data command behind this entry, if it is one.
        var dataCommand: Command? {
            if case .data(let c) = route { return c }
            return nil
        }
    }
}
