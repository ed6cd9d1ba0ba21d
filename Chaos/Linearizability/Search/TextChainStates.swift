/// The key-value model's states as chains: a state is its predecessor plus the operation whose
/// text ends it (an append's suffix, or a put's whole value on top of the empty string), with its
/// length and polynomial hash kept beside it. Reaching a state costs a few words, not a copy of a
/// string that grows with every append (on c50-ok most new configurations carry a new state,
/// and copying, hashing and freeing those strings was most of the check's time).
///
/// The search's transition cache names (state, append) once, so a chain is one id; puts with
/// equal text share one state. Equal strings built along different chains (possible only when
/// appended texts are not unique) get different ids: the memo then prunes less, never wrongly.
/// A get compares length and hash first and, on a match, the bytes along the chain.
struct TextChainStates: StateSpace {
    typealias M = KeyValueModel

    private enum Kind: UInt8 { case get, getAnything, put, append, invalid }

    // Per operation: what it does and its text (a get's expected value; a put's or append's
    // argument) as a range of `bytes`, with the text's hash and the hash multiplier over its length.
    private let kind: [Kind]
    private let textStart: [Int]
    private let textLength: [Int]
    private let textHash: [UInt64]
    private let textPower: [UInt64]
    private let bytes: [UInt8]
    /// For a put, the first put with the same text (they reach the same state).
    private let canonicalPut: [Int32]
    private var putState: [Int32]

    // Per state. State 0 is the initial empty string, the root of every chain.
    private var parent: [Int32] = [-1]
    private var lastOp: [Int32] = [-1]
    private var length: [Int] = [0]
    private var hash: [UInt64] = [0]

    static let multiplier: UInt64 = 0x100_0000_01B3

    init(model: KeyValueModel, operations: [Operation]) {
        let n = operations.count
        var kind: [Kind] = [], start: [Int] = [], len: [Int] = [], hashes: [UInt64] = [], powers: [UInt64] = []
        var canonical: [Int32] = []
        // Reserved up front: on a short history the arrays' growth was most of the set-up.
        kind.reserveCapacity(n); start.reserveCapacity(n); len.reserveCapacity(n)
        hashes.reserveCapacity(n); powers.reserveCapacity(n); canonical.reserveCapacity(n)
        var bytes: [UInt8] = []
        bytes.reserveCapacity(16 * n)
        var firstPut: [[UInt8]: Int32] = [:]
        for (i, op) in operations.enumerated() {
            let k: Kind
            var text = ""
            switch op.function {
            case "get":
                if op.outcome == .indeterminate {
                    k = .getAnything
                } else {
                    switch op.output {
                    case .string(let s): k = .get; text = s
                    case .null: k = .get
                    default: k = .invalid
                    }
                }
            case "put": k = .put; text = KeyValueModel.text(op.input)
            case "append": k = .append; text = KeyValueModel.text(op.input)
            default: k = .invalid
            }
            let from = bytes.count
            bytes.append(contentsOf: text.utf8)
            var h: UInt64 = 0, p: UInt64 = 1
            for b in bytes[from...] {
                h = h &* Self.multiplier &+ UInt64(b) &+ 1
                p = p &* Self.multiplier
            }
            kind.append(k)
            start.append(from)
            len.append(bytes.count - from)
            hashes.append(h)
            powers.append(p)
            if k == .put {
                let utf8 = Array(bytes[from...])
                if let first = firstPut[utf8] { canonical.append(first) } else {
                    firstPut[utf8] = Int32(i)
                    canonical.append(Int32(i))
                }
            } else {
                canonical.append(-1)
            }
        }
        self.kind = kind
        textStart = start
        textLength = len
        textHash = hashes
        textPower = powers
        self.bytes = bytes
        canonicalPut = canonical
        putState = Array(repeating: -1, count: operations.count)
        let expected = 4 * operations.count
        parent.reserveCapacity(expected)
        lastOp.reserveCapacity(expected)
        length.reserveCapacity(expected)
        hash.reserveCapacity(expected)
    }

    var count: Int { parent.count }
    var memoryBytes: Int { parent.capacity * 24 + bytes.capacity + kind.count * 48 }

    @inline(__always)
    mutating func step(_ state: Int32, _ op: Int32) -> Int32 {
        let o = Int(op)
        switch kind[o] {
        case .get:
            let s = Int(state)
            guard length[s] == textLength[o], hash[s] == textHash[o], spells(state, o) else { return -1 }
            return state
        case .getAnything:
            return state
        case .put:
            if textLength[o] == 0 { return 0 }
            let c = Int(canonicalPut[o])
            if putState[c] < 0 { putState[c] = add(parent: 0, op: Int32(c)) }
            return putState[c]
        case .append:
            if textLength[o] == 0 { return state }
            return add(parent: state, op: op)
        case .invalid:
            return -1
        }
    }

    private mutating func add(parent p: Int32, op: Int32) -> Int32 {
        let o = Int(op), pi = Int(p)
        let id = Int32(parent.count)
        parent.append(p)
        lastOp.append(op)
        length.append(length[pi] + textLength[o])
        hash.append(hash[pi] &* textPower[o] &+ textHash[o])
        return id
    }

    /// Whether `state`'s string is exactly the text of operation `expected` (the lengths are
    /// known equal): the chain's texts, last first, against the expected text's tail.
    private func spells(_ state: Int32, _ expected: Int) -> Bool {
        bytes.withUnsafeBufferPointer { b in
            var end = textStart[expected] + textLength[expected]
            var node = Int(state)
            while node != 0 {
                let o = Int(lastOp[node])
                let l = textLength[o]
                let from = textStart[o]
                end -= l
                for i in 0..<l where b[from + i] != b[end + i] { return false }
                node = Int(parent[node])
            }
            return end == textStart[expected]
        }
    }
}
