// The replicated key-value state: the keyspace, expiry deadlines, pyraft's key tree and the
// applied clock. It has no I/O and no clock of its own: "now" always comes from the caller
// (the log entry's leader timestamp when applying, the node's clock when reading).
//
// Invariant (after `removeExpired(now: clock)`): no record has a deadline <= clock. Writes run
// only after that sweep, so write handlers never see an expired key; reads may run with a
// `now` past the clock and therefore filter with `isLive(_:now:)` but never delete (a read must
// not change replicated state).

public final class KeyValueStore {
    var records: [ByteKey: Record] = [:]
    var expiry = ExpiryQueue()
    /// pyraft's hierarchical key tree (TMK/TSET/TGET/TLS/TRM), a namespace of its own.
    public internal(set) var tree = TreeNode()
    /// The largest leader timestamp applied so far (ms since the epoch): replicated "now".
    public internal(set) var clock: Int64 = 0
    /// Cached for SCAN: keys sorted by stable hash; rebuilt when the key set changed.
    var scanIndex: [(hash: UInt64, key: ByteKey)]? = nil

    public init() {}

    /// Number of stored records, including ones a reader with a later `now` sees as expired.
    public var storedCount: Int { records.count }

    // MARK: reading (never mutates)

    @inline(__always) static func isLive(_ r: Record, now: Int64) -> Bool {
        guard let d = r.expiresAt else { return true }
        return d > now
    }

    /// The live record for `key` at `now`, or nil.
    public func record(_ key: ByteKey, now: Int64) -> Record? {
        guard let r = records[key], Self.isLive(r, now: now) else { return nil }
        return r
    }

    public func value(_ key: ByteKey, now: Int64) -> StoredValue? {
        record(key, now: now)?.value
    }

    /// Every live key at `now`, in no particular order.
    public func liveKeys(now: Int64) -> [ByteKey] {
        var out: [ByteKey] = []
        out.reserveCapacity(records.count)
        for (k, r) in records where Self.isLive(r, now: now) { out.append(k) }
        return out
    }

    public func liveCount(now: Int64) -> Int {
        if let m = expiry.minimum, m <= now {
            var n = 0
            for (_, r) in records where Self.isLive(r, now: now) { n += 1 }
            return n
        }
        return records.count
    }

    // MARK: writing (only from replicated apply, or from restore)

    /// Stores a value. `keepTTL` keeps an existing deadline; otherwise the key becomes persistent.
    public func setValue(_ key: ByteKey, _ value: StoredValue, keepTTL: Bool = false) {
        if keepTTL, records[key] != nil {
            records[key]!.value = value
        } else {
            if records.updateValue(Record(value: value), forKey: key) == nil { scanIndex = nil }
        }
    }

    /// Inserts a whole record (used by restore and COPY).
    public func setRecord(_ key: ByteKey, _ record: Record) {
        if records.updateValue(record, forKey: key) == nil { scanIndex = nil }
        if let d = record.expiresAt { expiry.push(d, key) }
    }

    @discardableResult
    public func remove(_ key: ByteKey) -> Record? {
        let r = records.removeValue(forKey: key)
        if r != nil { scanIndex = nil }
        return r
    }

    /// Sets (or clears, with nil) the deadline of an existing key. A deadline at or before
    /// `clock` deletes the key at once, as Redis does. Returns false if the key is absent.
    @discardableResult
    public func setExpiry(_ key: ByteKey, _ deadline: Int64?) -> Bool {
        guard records[key] != nil else { return false }
        if let d = deadline, d <= clock {
            remove(key)
            return true
        }
        records[key]!.expiresAt = deadline
        if let d = deadline { expiry.push(d, key) }
        return true
    }

    /// Mutates a key's record in place (no copy of large values). The key must exist.
    public func modify<R>(_ key: ByteKey, _ body: (inout Record) throws -> R) rethrows -> R {
        try body(&records[key]!)
    }

    public func removeAll() {
        records.removeAll()
        expiry.removeAll()
        scanIndex = nil
    }

    /// Advances the replicated clock (never backwards) and deletes every key whose deadline
    /// has passed. Deterministic: depends only on the state and `now`.
    public func advanceClock(to now: Int64) {
        if now > clock { clock = now }
        while let m = expiry.minimum, m <= clock {
            let (deadline, key) = expiry.pop()!
            if let r = records[key], r.expiresAt == deadline { remove(key) }
        }
        // Stale heap entries accumulate when deadlines change; rebuild when they dominate.
        if expiry.count > 2 * records.count + 1024 {
            expiry.removeAll()
            for (k, r) in records { if let d = r.expiresAt { expiry.push(d, k) } }
        }
    }

    // MARK: SCAN support

    func sortedScanIndex() -> [(hash: UInt64, key: ByteKey)] {
        if let s = scanIndex { return s }
        var s = records.keys.map { (hash: stableHash($0.bytes), key: $0) }
        s.sort { $0.hash != $1.hash ? $0.hash < $1.hash : $0.key < $1.key }
        scanIndex = s
        return s
    }
}

extension KeyValueStore: Equatable {
    /// Same client-visible state: records (values and deadlines), tree and clock.
    public static func == (a: KeyValueStore, b: KeyValueStore) -> Bool {
        a.clock == b.clock && a.records == b.records && a.tree == b.tree
    }
}
