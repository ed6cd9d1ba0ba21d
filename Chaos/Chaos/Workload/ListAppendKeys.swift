import Foundation

/// What every list-append client shares: the keys in use (each retired for a fresh one after
/// `appendsPerKey` appends) and the source of appended elements, unique across the run, so a
/// read names exactly which append put each element there.
final class ListAppendKeys: @unchecked Sendable {
    let options: ListAppendOptions
    private let lock = NSLock()
    private var slots: [(name: String, appends: Int)]
    private var nextKey: Int
    private var nextElement: Int64 = 1

    init(options: ListAppendOptions) {
        self.options = options
        slots = (0..<options.keysAtOnce).map { ("la\($0)", 0) }
        nextKey = options.keysAtOnce
    }

    /// Every key handed out so far, in the order they were first used (the final read reads them all).
    var allKeys: [String] {
        lock.withLock { (0..<nextKey).map { "la\($0)" } }
    }

    /// The key in `slot` now, to read.
    func keyToRead(slot: Int) -> String {
        lock.withLock { slots[slot % slots.count].name }
    }

    /// The key in `slot` and a fresh element to append to it. The key's last append moves the
    /// slot on to a new key.
    func append(slot: Int) -> (key: String, element: Int64) {
        lock.withLock {
            let s = slot % slots.count
            let key = slots[s].name
            slots[s].appends += 1
            if slots[s].appends >= options.appendsPerKey {
                slots[s] = ("la\(nextKey)", 0)
                nextKey += 1
            }
            defer { nextElement += 1 }
            return (key, nextElement)
        }
    }
}
