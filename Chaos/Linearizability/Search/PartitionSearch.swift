/// Where a partition's search stands.
enum SearchStatus: Sendable, Equatable {
    case running, linearizable, illegal
}

/// What the scheduler sees of a partition's search, whatever its model.
protocol SearchTask: AnyObject, Sendable {
    var key: String { get }
    var operations: [Operation] { get }
    var status: SearchStatus { get }
    var steps: Int { get }
    var memoryBytes: Int { get }
    var memoEntries: Int { get }
    var stateCount: Int { get }
    var bestPrefix: [Int32] { get }
    var bestBlocked: Int32 { get }
    var stateAfterBestPrefix: String { get }
    func run(steps budget: Int) -> SearchStatus
}

/// Wing & Gong's backtracking search (1993) with Lowe's memoisation, for the operations of one
/// partition, resumable in slices so that a scheduler can interleave partitions fairly and stop
/// them all as soon as one is proven illegal.
///
/// The history is a doubly linked list of call and return entries in time order. The search walks
/// it from the front: at a call it tries to linearize that operation now (the model accepts it and
/// the configuration is new), lifting the call and its return out of the list; at a return it has
/// met an operation that had to be linearized already, so it backtracks. The list empties exactly
/// when every operation is linearized.
///
/// Model states are small integers named by a `StateSpace` (the memo key is then a bitset plus one
/// Int32) and transitions are cached, so the space's `step` runs once per (state, operation) pair.
/// The class is generic over the space (and through it the model) so that the whole loop is
/// specialized.
final class PartitionSearch<S: StateSpace>: SearchTask, @unchecked Sendable {
    typealias M = S.M
    let key: String
    /// The partition's operations; the search names them by index into this array.
    let operations: [Operation]
    private let model: M
    /// The states reached so far; nil once the search is decided (its memory freed).
    private var space: S?
    private let n: Int

    // The entry list. Index 0 is the head sentinel; entries are 1...2n; -1 ends the list.
    private var next: [Int32]
    private var prev: [Int32]
    private let entryOp: [Int32]
    private let entryIsCall: [Bool]
    private let match: [Int32]
    /// Random words whose XOR over the linearized set is its hash (Zobrist hashing).
    private let zobrist: [UInt64]

    private var trans = TransitionCache()
    /// For an indeterminate operation, the previous indeterminate operation with the same function,
    /// key and input (by call time), or -1. Such twins are interchangeable (both may take effect at
    /// any moment after their calls), so the search only linearizes them in call order.
    private let twinBefore: [Int32]
    /// Operations that, where legal, leave the state unchanged; see `Model.isReadOnly`.
    private let readOnly: [Bool]
    private var memo: MemoTable
    private var bits: [UInt64]
    private var stack: [Frame] = []
    private var cursor: Int32
    private var state: Int32 = 0
    private var hash: UInt64 = 0

    private(set) var status: SearchStatus = .running
    private(set) var steps = 0
    /// The longest linearization found (operation indices in order) and the operation that could
    /// not follow it (its return was reached before it could be linearized).
    private(set) var bestPrefix: [Int32] = []
    private(set) var bestBlocked: Int32 = -1
    private var atBest = true

    private struct TwinKey: Hashable {
        var function: String
        var key: String?
        var input: Value
    }

    private struct Frame {
        var entry: Int32
        var state: Int32
        var hash: UInt64
    }

    init(key: String, operations: [Operation], model: M) {
        self.key = key
        self.operations = operations
        self.model = model
        space = S(model: model, operations: operations)
        n = operations.count

        // Calls before returns at equal times: operations that touch at an instant overlap, the
        // reading that rejects fewer histories (as Porcupine does).
        let events = Self.eventOrder(operations)
        var entryOp = [Int32](repeating: -1, count: 2 * n + 1)
        var isCall = [Bool](repeating: false, count: 2 * n + 1)
        var callEntry = [Int32](repeating: 0, count: n)
        var match = [Int32](repeating: -1, count: 2 * n + 1)
        for (k, ev) in events.enumerated() {
            let e = k + 1
            let isReturn = ev < 0
            let op = isReturn ? ~ev : ev
            entryOp[e] = op
            isCall[e] = !isReturn
            if isReturn { match[Int(callEntry[Int(op)])] = Int32(e) } else { callEntry[Int(op)] = Int32(e) }
        }
        self.entryOp = entryOp
        self.entryIsCall = isCall
        self.match = match
        let count = operations.count
        next = (0...(2 * count)).map { $0 == 2 * count ? -1 : Int32($0 + 1) }
        prev = (0...(2 * count)).map { $0 == 0 ? -1 : Int32($0 - 1) }
        cursor = count == 0 ? -1 : 1

        var seed: UInt64 = 0x5EED_1234_ABCD_0001
        zobrist = (0..<count).map { _ in splitMix64(&seed) }
        let words = max(1, (count + 63) / 64)
        bits = [UInt64](repeating: 0, count: words)
        memo = MemoTable(words: words, initialCapacity: min(1 << 16, max(64, 4 * count)))
        var lastTwin: [TwinKey: Int32] = [:]
        var twinBefore = [Int32](repeating: -1, count: count)
        // Only the indeterminate operations, and nothing at all without them: on a short history
        // sorting and copying every operation here cost as much as the search.
        let indeterminate = operations.indices.filter { operations[$0].outcome == .indeterminate }
        for i in indeterminate.sorted(by: { operations[$0].callTime < operations[$1].callTime }) {
            let op = operations[i]
            let k = TwinKey(function: op.function, key: op.key, input: op.input)
            twinBefore[i] = lastTwin[k] ?? -1
            lastTwin[k] = Int32(i)
        }
        self.twinBefore = twinBefore
        readOnly = operations.map { $0.outcome == .ok && model.isReadOnly($0) }
        // Sized for a few states per operation, so that small partitions never grow the cache.
        trans = TransitionCache(capacity: min(1 << 16, 8 * max(1, count)))
        if count == 0 { status = .linearizable }
    }

    /// Bytes held by the memo, transition cache and entry list, for the memory budget.
    var memoryBytes: Int { memo.memoryBytes + trans.memoryBytes + (space?.memoryBytes ?? 0) + stack.capacity * 16 + 32 * n }
    var memoEntries: Int { status == .running ? memo.count : finalMemoEntries }
    var stateCount: Int { status == .running ? (space?.count ?? 1) : finalStateCount }
    private var finalMemoEntries = 0
    private var finalStateCount = 1

    /// The model state after the best prefix (replayed through the model).
    var stateAfterBestPrefix: String {
        var s = model.initialState
        for op in bestPrefix {
            guard let t = model.step(s, operations[Int(op)]) else { break }
            s = t
        }
        return model.describe(s)
    }

    /// Runs at most `budget` steps; returns the status reached. Specialized for the built-in
    /// models (a generic class's methods are otherwise compiled once, generically).
    @_specialize(where S == TextChainStates)
    @_specialize(where S == InternedStates<CASRegisterModel>)
    @_specialize(where S == InternedStates<RegisterModel>)
    @_specialize(where S == InternedStates<MapModel>)
    func run(steps budget: Int) -> SearchStatus {
        guard status == .running else { return status }
        // Work on locals: no exclusivity checks or reference counting in the loop.
        var next = self.next; self.next = []
        var prev = self.prev; self.prev = []
        var trans = self.trans; self.trans = .placeholder
        let entryOp = self.entryOp, entryIsCall = self.entryIsCall, match = self.match
        let zobrist = self.zobrist, twinBefore = self.twinBefore, readOnly = self.readOnly
        var space = self.space!; self.space = nil
        var bestPrefix = self.bestPrefix, bestBlocked = self.bestBlocked, atBest = self.atBest
        var memo = self.memo; self.memo = .placeholder
        var bits = self.bits; self.bits = []
        var stack = self.stack; self.stack = []
        var e = cursor, state = self.state, hash = self.hash
        var done = 0
        var result = SearchStatus.running


        search: while done < budget {
            done += 1
            if next[0] < 0 {
                result = .linearizable
                break
            }
            let ei = Int(e)
            let op = entryOp[ei]
            if entryIsCall[ei] {
                let twin = twinBefore[Int(op)]
                if twin >= 0 && bits[Int(twin) >> 6] & (UInt64(1) << UInt64(twin & 63)) == 0 {
                    e = next[ei]
                    continue
                }
                var t = trans.lookup(state, op)
                if t == TransitionCache.absent {
                    t = space.step(state, op)
                    trans.store(state, op, t)
                }
                if t < 0 {
                    e = next[ei]
                    continue
                }
                let w = Int(op) >> 6
                let b = UInt64(1) << UInt64(op & 63)
                bits[w] |= b
                let h = hash ^ zobrist[Int(op)]
                if memo.insert(hash: h ^ mixState(t), bits: bits, state: t) {
                    stack.append(Frame(entry: e, state: state, hash: hash))
                    state = t
                    hash = h
                    Self.lift(e, &next, &prev, match)
                    if stack.count > bestPrefix.count {
                        // At the best already, the stack is the best prefix plus this op: extend
                        // it in place (copying the whole stack at every new depth cost a
                        // quadratic number of writes and an allocation per depth).
                        if atBest && stack.count == bestPrefix.count + 1 {
                            bestPrefix.append(op)
                        } else {
                            bestPrefix.removeAll(keepingCapacity: true)
                            for f in stack { bestPrefix.append(entryOp[Int(f.entry)]) }
                        }
                        bestBlocked = -1
                        atBest = true
                    } else {
                        atBest = false
                    }
                    e = next[0]
                    continue
                }
                bits[w] &= ~b
                // A legal read-only op whose configuration already failed: this one fails too.
                if !readOnly[Int(op)] {
                    e = next[ei]
                    continue
                }
            } else if atBest {
                // The return of an operation not yet linearized: nothing left here can go first.
                bestBlocked = op
            }
            atBest = false
            // Backtrack. A popped read-only op was linearized as early as it could be, which
            // dominates every later placement: its failure is its parent's, so keep popping.
            while true {
                guard let f = stack.popLast() else {
                    result = .illegal
                    break search
                }
                let fop = entryOp[Int(f.entry)]
                bits[Int(fop) >> 6] &= ~(UInt64(1) << UInt64(fop & 63))
                state = f.state
                hash = f.hash
                Self.unlift(f.entry, &next, &prev, match)
                e = next[Int(f.entry)]
                if !readOnly[Int(fop)] { break }
            }
        }

        if result != .running {
            // Decided: the memo, cache and interned states are no longer needed. Free them, so
            // that a history of many partitions holds only the undecided ones' memory.
            finalMemoEntries = memo.count
            finalStateCount = space.count
            memo = .placeholder
            trans = .placeholder
            stack = []
        } else {
            self.space = space
        }
        self.bestPrefix = bestPrefix
        self.bestBlocked = bestBlocked
        self.atBest = atBest
        self.next = next
        self.prev = prev
        self.trans = trans
        self.memo = memo
        self.bits = bits
        self.stack = stack
        cursor = e
        self.state = state
        self.hash = hash
        steps += done
        status = result
        return result
    }
}

extension PartitionSearch {
    /// Every call and return in time order; calls before returns at equal times, then by
    /// operation. When the times span less than 2^30 (line numbers, a run of a few seconds in
    /// microseconds...), each event is packed into one UInt64 (time, return bit, operation) and
    /// sorted as plain integers, which cost a fraction of sorting tuples with a closure on a short
    /// history; otherwise the tuples are sorted. An event is its operation's index for the call,
    /// the index's complement (`~op`, negative) for the return: an array of tuples would make the
    /// runtime look up the tuple's generic metadata on every check.
    static func eventOrder(_ operations: [Operation]) -> [Int32] {
        let n = operations.count
        var low = Int64.max, high = Int64.min
        for i in operations.indices {
            let call = operations[i].callTime, ret = operations[i].returnTime ?? call
            low = min(low, call, ret)
            high = max(high, call, ret)
        }
        if n > 0, n < 1 << 31, high >= low, high - low < 1 << 30 {
            // An operation that never returned sorts after every return: time high - low + 1.
            let never = UInt64(high - low + 1)
            var keys = [UInt64](repeating: 0, count: 2 * n)
            for i in operations.indices {
                keys[2 * i] = UInt64(operations[i].callTime - low) << 33 | UInt64(i)
                let r = operations[i].returnTime.map { UInt64($0 - low) } ?? never
                keys[2 * i + 1] = r << 33 | 1 << 32 | UInt64(i)
            }
            keys.sort()
            return keys.map { k in
                let op = Int32(truncatingIfNeeded: k & 0xFFFF_FFFF)
                return k & (1 << 32) != 0 ? ~op : op
            }
        }
        var events: [(time: Int64, isReturn: Bool, op: Int32)] = []
        events.reserveCapacity(2 * n)
        for i in operations.indices {
            let op = operations[i]
            events.append((op.callTime, false, Int32(i)))
            events.append((op.returnTime ?? Int64.max, true, Int32(i)))
        }
        events.sort { a, b in
            if a.time != b.time { return a.time < b.time }
            if a.isReturn != b.isReturn { return !a.isReturn }
            return a.op < b.op
        }
        return events.map { $0.isReturn ? ~$0.op : $0.op }
    }

    /// Takes a call entry and its return out of the list (static, on inout arrays: no closure
    /// captures, so no dynamic exclusivity checks in the loop).
    @inline(__always) static func lift(_ e: Int32, _ next: inout [Int32], _ prev: inout [Int32], _ match: [Int32]) {
        let m = Int(match[Int(e)])
        let ei = Int(e)
        next[Int(prev[ei])] = next[ei]
        if next[ei] >= 0 { prev[Int(next[ei])] = prev[ei] }
        next[Int(prev[m])] = next[m]
        if next[m] >= 0 { prev[Int(next[m])] = prev[m] }
    }

    /// Puts them back, in the reverse order.
    @inline(__always) static func unlift(_ e: Int32, _ next: inout [Int32], _ prev: inout [Int32], _ match: [Int32]) {
        let m = Int(match[Int(e)])
        let ei = Int(e)
        next[Int(prev[m])] = Int32(m)
        if next[m] >= 0 { prev[Int(next[m])] = Int32(m) }
        next[Int(prev[ei])] = e
        if next[ei] >= 0 { prev[Int(next[ei])] = e }
    }
}

@inline(__always) private func mixState(_ s: Int32) -> UInt64 {
    (UInt64(UInt32(bitPattern: s)) &+ 1) &* 0x9E37_79B9_7F4A_7C15
}

func splitMix64(_ x: inout UInt64) -> UInt64 {
    x &+= 0x9E37_79B9_7F4A_7C15
    var z = x
    z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
    z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
    return z ^ (z >> 31)
}

