// A double-ended list of byte strings: a ring buffer so that LPUSH/LPOP are O(1) like RPUSH/RPOP.

public struct ByteList: Equatable, Sendable, RandomAccessCollection {
    @usableFromInline var storage: [[UInt8]?] = []
    @usableFromInline var head = 0
    public private(set) var count = 0

    public init() {}
    public init(_ elements: some Sequence<[UInt8]>) {
        storage = elements.map { Optional($0) }
        count = storage.count
    }

    public var startIndex: Int { 0 }
    public var endIndex: Int { count }

    @inline(__always) private func slot(_ i: Int) -> Int {
        let s = head + i
        return s >= storage.count ? s - storage.count : s
    }

    public subscript(i: Int) -> [UInt8] {
        get { storage[slot(i)]! }
        set { storage[slot(i)] = newValue }
    }

    private mutating func grow() {
        let newCapacity = Swift.max(8, storage.count * 2)
        var fresh = [[UInt8]?](repeating: nil, count: newCapacity)
        for i in 0..<count { fresh[i] = storage[slot(i)] }
        storage = fresh
        head = 0
    }

    public mutating func append(_ e: [UInt8]) {
        if count == storage.count { grow() }
        storage[slot(count)] = e
        count += 1
    }

    public mutating func prepend(_ e: [UInt8]) {
        if count == storage.count { grow() }
        head = head == 0 ? storage.count - 1 : head - 1
        storage[head] = e
        count += 1
    }

    public mutating func removeFirst() -> [UInt8]? {
        guard count > 0 else { return nil }
        let e = storage[head]
        storage[head] = nil
        head = head + 1 == storage.count ? 0 : head + 1
        count -= 1
        return e
    }

    public mutating func removeLast() -> [UInt8]? {
        guard count > 0 else { return nil }
        let s = slot(count - 1)
        let e = storage[s]
        storage[s] = nil
        count -= 1
        return e
    }

    /// Replaces the contents (LREM, LTRIM rebuild the list once rather than shifting).
    public mutating func replaceAll(with elements: [[UInt8]]) {
        self = ByteList(elements)
    }

    public static func == (a: ByteList, b: ByteList) -> Bool {
        a.count == b.count && a.elementsEqual(b)
    }
}
