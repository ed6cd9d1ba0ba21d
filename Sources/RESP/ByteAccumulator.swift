/// A growable byte queue: bytes are appended at the back and consumed from the front.
/// Consumed space is reclaimed in bulk, so consuming is O(1) amortised.
struct ByteAccumulator: Sendable {
    private var storage: [UInt8] = []
    private var start = 0

    var count: Int { storage.count - start }

    mutating func append<Bytes: Sequence>(contentsOf bytes: Bytes) where Bytes.Element == UInt8 {
        storage.append(contentsOf: bytes)
    }

    mutating func consume(_ n: Int) {
        precondition(n >= 0 && n <= count)
        start += n
        if start == storage.count {
            storage.removeAll(keepingCapacity: true)
            start = 0
        } else if start >= 4096 && start * 2 >= storage.count {
            storage.removeSubrange(0..<start)
            start = 0
        }
    }

    func withUnreadBytes<R>(_ body: (UnsafeRawBufferPointer) throws -> R) rethrows -> R {
        try storage.withUnsafeBytes { all in
            try body(UnsafeRawBufferPointer(rebasing: all[start...]))
        }
    }
}
