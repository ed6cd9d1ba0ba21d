// A sorted set's value: member -> score for O(1) lookups, and the same pairs in a RankTree for
// O(log n) rank and range queries. Both are values, so the sorted set is one too.

public struct SortedSet: Equatable, Sendable {
    private(set) var scores: [ByteKey: Double] = [:]
    private(set) var tree = RankTree()

    public init() {}

    public var count: Int { scores.count }
    public var isEmpty: Bool { scores.isEmpty }

    public func score(_ member: ByteKey) -> Double? { scores[member] }

    /// Sets `member`'s score; returns true if the member is new.
    @discardableResult
    public mutating func set(_ member: ByteKey, _ score0: Double) -> Bool {
        let score = score0 == 0 ? 0 : score0  // -0 is stored (and replied) as 0, as Redis does
        if let old = scores.updateValue(score, forKey: member) {
            if old != score {
                tree.remove(member, old)
                tree.insert(member, score)
            }
            return false
        }
        tree.insert(member, score)
        return true
    }

    /// Removes `member`; returns true if it was there.
    @discardableResult
    public mutating func remove(_ member: ByteKey) -> Bool {
        guard let old = scores.removeValue(forKey: member) else { return false }
        tree.remove(member, old)
        return true
    }

    /// 0-based rank in ascending order, or nil if absent.
    public func rank(_ member: ByteKey) -> Int? {
        guard let s = scores[member] else { return nil }
        return tree.rank(member, s)
    }

    public func element(at rank: Int) -> (member: ByteKey, score: Double) { tree.element(at: rank) }

    /// Elements of the ascending ranks `range` (clamped to the set).
    public func elements(_ range: Range<Int>) -> [(member: ByteKey, score: Double)] {
        tree.elements(range.clamped(to: 0..<count))
    }

    /// Every element in ascending order.
    public var all: [(member: ByteKey, score: Double)] { tree.elements(0..<count) }

    /// Number of leading elements for which `before` holds (a prefix predicate on the order).
    func countPrefix(_ before: (Double, ByteKey) -> Bool) -> Int { tree.countPrefix(before) }

    public static func == (a: SortedSet, b: SortedSet) -> Bool { a.scores == b.scores }
}
