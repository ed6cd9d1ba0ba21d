// pyraft's checkpoint file (`repr` of its data dict) mapped onto this store's types, so a
// pyraft user moves their data with `raft-node -l FILE`. The file is read with the strict
// literal reader (never evaluated) and checked whole before anything is loaded.
//
// Mapping (pyraft keeps everything in one dict):
//   '_META_'                   term and index of the snapshot (its ensemble is reported, not used)
//   'ttl': {key: epoch secs}   PEXPIREAT on that key; a deadline already past drops the key
//   key: str / bytes           a string (SET)
//   key: [str, ...]            a list (RPUSH); an empty list is dropped, as Redis has none
//   key: {field: str, ...}     a hash (HSET) — pyraft's HSET and its tree attributes are the same
//                              dict, so a non-empty dict of strings becomes a hash
//   key: {..., name: {...}}    a tree node /key (TMK), strings its attributes, dicts its children;
//                              an empty dict is a tree node too (only TMK makes one)
// Anything else (numbers, None, tuples, sets, nested lists, a TTL on a tree node, a tree name
// containing '/') cannot be mapped: every such place is named in one error.

public struct PyraftSnapshot: Sendable {
    public var term: UInt64
    public var index: UInt64
    /// pyraft's `_META_['ensemble']`: node id -> address, for the log line.
    public var ensemble: [(id: String, address: String)]
    /// Write commands that rebuild the data, in file order; each is applied like a client write.
    public var commands: [[[UInt8]]]
    /// What was left out on purpose (expired keys, empty lists), for the log.
    public var notes: [String]
    /// Keys (and tree nodes) the commands create.
    public var keyCount: Int

    public static let maxReportedProblems = 20

    /// Whether `head` (the first bytes of a file) looks like pyraft's literal rather than a
    /// snapshot of this project (which starts with "RAFTSNP1").
    public static func looksLikePyraft(_ head: some Collection<UInt8>) -> Bool {
        head.first { ![0x20, 0x09, 0x0A, 0x0D].contains($0) } == UInt8(ascii: "{")
    }

    /// Parses and maps `text`; `nowMilliseconds` decides which TTLs have already passed.
    public static func parse(_ text: [UInt8], nowMilliseconds: Int64) throws(PyraftImportError) -> PyraftSnapshot {
        let literal: PythonLiteral
        do { literal = try PythonLiteralParser.parse(text) } catch { throw PyraftImportError(problems: ["not a Python literal: \(error)"]) }
        guard case .dict(let top) = literal else {
            throw PyraftImportError(problems: ["the file holds a \(literal.typeName), not pyraft's data dict"])
        }
        var mapper = Mapper(now: nowMilliseconds)
        return try mapper.map(top)
    }

    private struct Mapper {
        let now: Int64
        var problems: [String] = []
        var notes: [String] = []
        var commands: [[[UInt8]]] = []
        var keyCount = 0

        mutating func problem(_ text: String) { problems.append(text) }

        mutating func map(_ top: [(PythonLiteral, PythonLiteral)]) throws(PyraftImportError) -> PyraftSnapshot {
            var meta: [(PythonLiteral, PythonLiteral)]?
            var ttl: [(PythonLiteral, PythonLiteral)] = []
            var data: [([UInt8], PythonLiteral)] = []
            for (k, v) in top {
                guard let key = text(k) else { problem("a top-level key is a \(k.typeName), not a string"); continue }
                switch key {
                case Array("_META_".utf8):
                    guard case .dict(let m) = v else { problem("'_META_' is a \(v.typeName), not a dict"); continue }
                    meta = m
                case Array("ttl".utf8):
                    guard case .dict(let t) = v else { problem("'ttl' is a \(v.typeName), not a dict"); continue }
                    ttl = t
                default: data.append((key, v))
                }
            }
            guard let meta else { throw PyraftImportError(problems: problems + ["no '_META_' entry: not a pyraft checkpoint file"]) }
            let term = unsigned(named: "term", in: meta)
            let index = unsigned(named: "index", in: meta)
            var ensemble: [(String, String)] = []
            if let e = lookup("ensemble", in: meta), case .dict(let pairs) = e {
                for (id, addr) in pairs {
                    if let id = text(id), let addr = text(addr) { ensemble.append((String(decoding: id, as: UTF8.self), String(decoding: addr, as: UTF8.self))) }
                }
            }
            var deadlines: [[UInt8]: Int64] = [:]
            for (k, v) in ttl {
                guard let key = text(k) else { problem("a key in 'ttl' is a \(k.typeName)"); continue }
                let seconds: Double
                switch v {
                case .float(let d): seconds = d
                case .integer(let s) where Double(s) != nil: seconds = Double(s)!
                default: problem("ttl of '\(show(key))' is a \(v.typeName), not a time"); continue
                }
                deadlines[key] = Int64((seconds * 1000).rounded())
            }
            let known = Set(data.map(\.0))
            for key in deadlines.keys.sorted(by: { $0.lexicographicallyPrecedes($1) }) where !known.contains(key) {
                notes.append("ttl for '\(show(key))', which has no value, ignored")
            }
            for (key, value) in data {
                if let deadline = deadlines[key], deadline <= now {
                    notes.append("'\(show(key))' expired before the import; left out")
                    continue
                }
                let isTree = mapValue(key: key, value)
                if let deadline = deadlines[key] {
                    if isTree == true {
                        problem("'\(show(key))' is a tree node with a TTL; tree nodes cannot expire here")
                    } else if isTree == false {
                        commands.append([Array("PEXPIREAT".utf8), key, Array(String(deadline).utf8)])
                    }
                }
            }
            guard problems.isEmpty, let term, let index else {
                var all = problems
                if term == nil { all.append("'_META_' has no non-negative integer 'term'") }
                if index == nil { all.append("'_META_' has no non-negative integer 'index'") }
                throw PyraftImportError(problems: all)
            }
            return PyraftSnapshot(term: term, index: index, ensemble: ensemble, commands: commands, notes: notes, keyCount: keyCount)
        }

        /// Appends the commands for one top-level key. Returns true for a tree node, false for a
        /// key of the keyspace, nil when nothing was created.
        mutating func mapValue(key: [UInt8], _ value: PythonLiteral) -> Bool? {
            switch value {
            case .string(let s), .bytes(let s):
                commands.append([Array("SET".utf8), key, s])
                keyCount += 1
                return false
            case .list(let items):
                if items.isEmpty { notes.append("'\(show(key))' is an empty list; left out"); return nil }
                var elements: [[UInt8]] = []
                for (i, item) in items.enumerated() {
                    guard let t = text(item) else { problem("'\(show(key))'[\(i)] is a \(item.typeName); list elements must be strings"); return nil }
                    elements.append(t)
                }
                // Bounded argument vectors keep every entry far below the request limit.
                for start in stride(from: 0, to: elements.count, by: 1024) {
                    commands.append([Array("RPUSH".utf8), key] + elements[start..<min(start + 1024, elements.count)])
                }
                keyCount += 1
                return false
            case .dict(let pairs):
                let isHash = !pairs.isEmpty && pairs.allSatisfy { text($0.0) != nil && text($0.1) != nil }
                if isHash {
                    var args = [Array("HSET".utf8), key]
                    for (f, v) in pairs { args.append(text(f)!); args.append(text(v)!) }
                    commands.append(args)
                    keyCount += 1
                    return false
                }
                mapTree(path: [key], pairs)
                return true
            default:
                problem("'\(show(key))' is a \(value.typeName); pyraft values must be strings, lists or dicts")
                return nil
            }
        }

        mutating func mapTree(path: [[UInt8]], _ pairs: [(PythonLiteral, PythonLiteral)]) {
            let shown = "/" + path.map { show($0) }.joined(separator: "/")
            guard path.count <= 256 else { problem("tree \(shown) is deeper than 256 levels"); return }
            if let bad = path.last, bad.contains(UInt8(ascii: "/")) || bad.isEmpty {
                problem("tree node name '\(show(bad))' at \(shown) is empty or contains '/'"); return
            }
            var slashPath: [UInt8] = []
            for p in path { slashPath.append(UInt8(ascii: "/")); slashPath.append(contentsOf: p) }
            var args = [Array("TMK".utf8), slashPath]
            var children: [([UInt8], [(PythonLiteral, PythonLiteral)])] = []
            for (k, v) in pairs {
                guard let name = text(k) else { problem("a name under \(shown) is a \(k.typeName)"); continue }
                switch v {
                case .string(let s), .bytes(let s): args.append(name); args.append(s)
                case .dict(let sub): children.append((name, sub))
                default: problem("\(shown)/\(show(name)) is a \(v.typeName); tree attributes must be strings")
                }
            }
            commands.append(args)
            keyCount += 1
            for (name, sub) in children { mapTree(path: path + [name], sub) }
        }

        func text(_ v: PythonLiteral) -> [UInt8]? {
            switch v {
            case .string(let s), .bytes(let s): s
            default: nil
            }
        }

        func lookup(_ name: String, in pairs: [(PythonLiteral, PythonLiteral)]) -> PythonLiteral? {
            pairs.first { text($0.0) == Array(name.utf8) }?.1
        }

        func unsigned(named name: String, in pairs: [(PythonLiteral, PythonLiteral)]) -> UInt64? {
            guard case .integer(let s)? = lookup(name, in: pairs) else { return nil }
            return UInt64(s)
        }

        func show(_ bytes: [UInt8]) -> String {
            let s = String(decoding: bytes.prefix(64), as: UTF8.self)
            return bytes.count > 64 ? s + "..." : s
        }
    }

    /// Applies the commands to `machine` as replicated writes at `nowMilliseconds`. A command the
    /// store refuses is reported (nothing of the file is half-loaded into a live node: callers
    /// load into a fresh machine and only then write it out).
    public func load(into machine: KeyValueStateMachine, nowMilliseconds: Int64) throws(PyraftImportError) {
        var problems: [String] = []
        for args in commands {
            let reply = machine.apply(LogEntry(timestamp: nowMilliseconds, args: args))
            if case .error(let e) = reply {
                let name = String(decoding: args[0], as: UTF8.self)
                let target = String(decoding: args[1].prefix(64), as: UTF8.self)
                problems.append("\(name) \(target): \(e)")
                if problems.count >= Self.maxReportedProblems { break }
            }
        }
        if !problems.isEmpty { throw PyraftImportError(problems: problems) }
    }
}

public struct PyraftImportError: Error, CustomStringConvertible, Sendable {
    public let problems: [String]
    public var description: String {
        let shown = problems.prefix(PyraftSnapshot.maxReportedProblems)
        var text = "cannot import the pyraft snapshot: " + shown.joined(separator: "; ")
        if problems.count > shown.count { text += "; and \(problems.count - shown.count) more" }
        return text
    }
}
