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
    /// How many records carry a deadline, kept by every write path (INFO's `expires=`), so
    /// counting never scans the keyspace.
    public internal(set) var expiringCount = 0
    /// Where an applied PUBLISH hands its message (the node's Pub/Sub hub), returning how many
    /// subscribers received it. Not replicated state: nil in a bare store, not copied by
    /// `frozenCopy`, carried over by `KeyValueStateMachine` when a snapshot replaces the store.
    public var publisher: (([UInt8], [UInt8]) -> Int)?

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

    /// Keys a reader at `now` sees. O(1) plus the expired-but-unswept keys (few: the sweep runs
    /// on every applied entry), never a scan of the keyspace.
    public func liveCount(now: Int64) -> Int {
        records.count - expiredUnswept(now: now)
    }

    /// Keys with a deadline that a reader at `now` still sees (INFO's `expires=`).
    public func liveExpiringCount(now: Int64) -> Int {
        expiringCount - expiredUnswept(now: now)
    }

    /// Records whose deadline is <= `now`, found from the heap's entries <= `now` only; stale
    /// entries (deadline changed, key gone) and duplicates are not counted.
    func expiredUnswept(now: Int64) -> Int {
        guard let m = expiry.minimum, m <= now else { return 0 }
        var seen = Set<ByteKey>()
        expiry.forEach(upTo: now) { d, k in
            if let r = records[k], r.expiresAt == d { seen.insert(k) }
        }
        return seen.count
    }

    // MARK: writing (only from replicated apply, or from restore)

    /// Stores a value. `keepTTL` keeps an existing deadline; otherwise the key becomes persistent.
    public func setValue(_ key: ByteKey, _ value: StoredValue, keepTTL: Bool = false) {
        if keepTTL, records[key] != nil {
            records[key]!.value = value
        } else {
            let old = records.updateValue(Record(value: value), forKey: key)
            if old == nil { scanIndex = nil } else if old!.expiresAt != nil { expiringCount -= 1 }
        }
    }

    /// Inserts a whole record (used by restore and COPY).
    public func setRecord(_ key: ByteKey, _ record: Record) {
        let old = records.updateValue(record, forKey: key)
        if old == nil { scanIndex = nil } else if old!.expiresAt != nil { expiringCount -= 1 }
        if let d = record.expiresAt { expiry.push(d, key); expiringCount += 1 }
    }

    /// Restore's insert: one hash lookup per key (the restorer has reserved capacity; a fresh
    /// store has no scan index). Returns false if the key was already there: a valid snapshot
    /// never repeats a key, so the restorer rejects the stream and drops this store.
    func insertRestored(_ key: ByteKey, _ record: Record) -> Bool {
        guard records.updateValue(record, forKey: key) == nil else { return false }
        if let d = record.expiresAt { expiry.push(d, key); expiringCount += 1 }
        return true
    }

    /// Room for `n` more records without rehashing (restore knows the count up front).
    func reserveCapacity(_ n: Int) {
        records.reserveCapacity(records.count + n)
    }

    @discardableResult
    public func remove(_ key: ByteKey) -> Record? {
        let r = records.removeValue(forKey: key)
        if let r { scanIndex = nil; if r.expiresAt != nil { expiringCount -= 1 } }
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
        let had = records[key]!.expiresAt != nil
        records[key]!.expiresAt = deadline
        expiringCount += (deadline != nil ? 1 : 0) - (had ? 1 : 0)
        if let d = deadline { expiry.push(d, key) }
        return true
    }

    /// Mutates a key's record in place (no copy of large values). The key must exist.
    public func modify<R>(_ key: ByteKey, _ body: (inout Record) throws -> R) rethrows -> R {
        var delta = 0
        defer { expiringCount += delta }
        return try Self.trackingDeadline(&records[key]!, &delta, body)
    }

    /// Runs `body` on `r` and reports in `delta` whether it gained (+1) or lost (-1) a deadline.
    private static func trackingDeadline<R>(_ r: inout Record, _ delta: inout Int, _ body: (inout Record) throws -> R) rethrows -> R {
        let had = r.expiresAt != nil
        defer { delta = (r.expiresAt != nil ? 1 : 0) - (had ? 1 : 0) }
        return try body(&r)
    }

    public func removeAll() {
        records.removeAll()
        expiry.removeAll()
        expiringCount = 0
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
