// A point-in-time copy for snapshots taken off the owning thread.

extension KeyValueStore {
    /// A copy of the whole state that shares storage with this store until either side writes
    /// (copy-on-write): O(1) now, and the first later write on this store copies the tables once.
    /// The copy may be read (`writeSnapshot(to:)`) on another thread while this store goes on.
    public func frozenCopy() -> KeyValueStore {
        let copy = KeyValueStore()
        copy.records = records
        copy.expiry = expiry
        copy.tree = tree
        copy.clock = clock
        copy.expiringCount = expiringCount
        return copy
    }
}
