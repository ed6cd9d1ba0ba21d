// Typed access to a key for command handlers (built-in and an application's own): WRONGTYPE
// when the kind differs, nil when absent or expired at the handler's `now`.

import RESP

extension CommandContext {
    @inline(__always) public func string(_ key: ByteKey) throws(CommandError) -> [UInt8]? {
        guard let v = store.value(key, now: now) else { return nil }
        guard case .string(let s) = v else { throw .wrongType }
        return s
    }

    @inline(__always) public func hash(_ key: ByteKey) throws(CommandError) -> [ByteKey: [UInt8]]? {
        guard let v = store.value(key, now: now) else { return nil }
        guard case .hash(let h) = v else { throw .wrongType }
        return h
    }

    @inline(__always) public func list(_ key: ByteKey) throws(CommandError) -> ByteList? {
        guard let v = store.value(key, now: now) else { return nil }
        guard case .list(let l) = v else { throw .wrongType }
        return l
    }

    @inline(__always) public func set(_ key: ByteKey) throws(CommandError) -> Set<ByteKey>? {
        guard let v = store.value(key, now: now) else { return nil }
        guard case .set(let s) = v else { throw .wrongType }
        return s
    }

    @inline(__always) public func zset(_ key: ByteKey) throws(CommandError) -> SortedSet? {
        guard let v = store.value(key, now: now) else { return nil }
        guard case .zset(let z) = v else { throw .wrongType }
        return z
    }

    /// Mutates the set at `key` in place (creating it when `create`); deletes it if emptied.
    func modifySet<R>(_ key: ByteKey, create: Bool, _ body: (inout Set<ByteKey>) throws(CommandError) -> R) throws(CommandError) -> R? {
        if store.record(key, now: now) == nil {
            guard create else { return nil }
            store.setValue(key, .set([]))
        }
        let result: Result<R, CommandError> = store.modify(key) { rec in
            guard case .set(var s) = rec.value else { return .failure(.wrongType) }
            rec.value = .string([])
            defer { rec.value = .set(s) }
            do throws(CommandError) { return .success(try body(&s)) } catch { return .failure(error) }
        }
        if case .set(let s) = store.records[key]?.value, s.isEmpty { store.remove(key) }
        return try result.get()
    }

    /// Mutates the sorted set at `key` in place (creating it when `create`); deletes it if emptied.
    func modifyZSet<R>(_ key: ByteKey, create: Bool, _ body: (inout SortedSet) throws(CommandError) -> R) throws(CommandError) -> R? {
        if store.record(key, now: now) == nil {
            guard create else { return nil }
            store.setValue(key, .zset(SortedSet()))
        }
        let result: Result<R, CommandError> = store.modify(key) { rec in
            guard case .zset(var z) = rec.value else { return .failure(.wrongType) }
            rec.value = .string([])
            defer { rec.value = .zset(z) }
            do throws(CommandError) { return .success(try body(&z)) } catch { return .failure(error) }
        }
        if case .zset(let z) = store.records[key]?.value, z.isEmpty { store.remove(key) }
        return try result.get()
    }

    /// Replaces `key` with `value` (persistent), or deletes it when `value` is empty: the
    /// *STORE commands' rule.
    func storeResult(_ key: ByteKey, _ value: StoredValue, empty: Bool) {
        store.remove(key)
        if !empty { store.setValue(key, value) }
    }

    /// Mutates the hash at `key` in place (creating it when `create`); deletes it if emptied.
    func modifyHash<R>(_ key: ByteKey, create: Bool, _ body: (inout [ByteKey: [UInt8]]) throws(CommandError) -> R) throws(CommandError) -> R? {
        if store.record(key, now: now) == nil {
            guard create else { return nil }
            store.setValue(key, .hash([:]))
        }
        let result: Result<R, CommandError> = store.modify(key) { rec in
            guard case .hash(var h) = rec.value else { return .failure(.wrongType) }
            rec.value = .string([])  // drop the second reference so `h` mutates in place
            defer { rec.value = .hash(h) }
            do throws(CommandError) { return .success(try body(&h)) } catch { return .failure(error) }
        }
        if case .hash(let h) = store.records[key]?.value, h.isEmpty { store.remove(key) }
        return try result.get()
    }

    func modifyList<R>(_ key: ByteKey, create: Bool, _ body: (inout ByteList) throws(CommandError) -> R) throws(CommandError) -> R? {
        if store.record(key, now: now) == nil {
            guard create else { return nil }
            store.setValue(key, .list(ByteList()))
        }
        let result: Result<R, CommandError> = store.modify(key) { rec in
            guard case .list(var l) = rec.value else { return .failure(.wrongType) }
            rec.value = .string([])
            defer { rec.value = .list(l) }
            do throws(CommandError) { return .success(try body(&l)) } catch { return .failure(error) }
        }
        if case .list(let l) = store.records[key]?.value, l.isEmpty { store.remove(key) }
        return try result.get()
    }

    /// Mutates the string at `key` in place (creating it empty when absent).
    func modifyString<R>(_ key: ByteKey, _ body: (inout [UInt8]) throws(CommandError) -> R) throws(CommandError) -> R {
        if store.record(key, now: now) == nil { store.setValue(key, .string([])) }
        let result: Result<R, CommandError> = store.modify(key) { rec in
            guard case .string(var s) = rec.value else { return .failure(.wrongType) }
            rec.value = .string([])
            defer { rec.value = .string(s) }
            do throws(CommandError) { return .success(try body(&s)) } catch { return .failure(error) }
        }
        return try result.get()
    }
}

extension RESPValue {
    @inline(__always) static func int(_ v: Int) -> RESPValue { .integer(Int64(v)) }
    @inline(__always) static func int(_ b: Bool) -> RESPValue { .integer(b ? 1 : 0) }
}
