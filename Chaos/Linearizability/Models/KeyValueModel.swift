/// Porcupine's key-value store: a string per key, initially "", with get, put (replace) and
/// append (concatenate). Keys are independent, so the checker splits the history by key.
public struct KeyValueModel: Model {
    public init() {}
    public var name: String { "kv" }
    public var initialState: Text { Text("") }

    /// A string with a polynomial hash kept as it grows, so that interning a state after an
    /// append costs the append, not a rehash of the whole (possibly long) value.
    public struct Text: Hashable, Sendable, CustomStringConvertible {
        public private(set) var value: [UInt8]
        private var rolling: UInt64

        public init(_ s: String) {
            value = []
            rolling = 0
            append(s)
        }

        mutating func append(_ s: String) {
            var s = s
            s.withUTF8 { bytes in
                var h = rolling
                for b in bytes { h = h &* 0x100_0000_01B3 &+ UInt64(b) &+ 1 }
                rolling = h
                value.append(contentsOf: bytes)
            }
        }

        public static func == (a: Text, b: Text) -> Bool { a.rolling == b.rolling && a.value == b.value }
        public func hash(into h: inout Hasher) { h.combine(rolling) }
        /// The rolling hash is already well mixed: interning skips SipHash (a sixth of the
        /// search's time on c50-ok before).
        public func _rawHashValue(seed: Int) -> Int {
            var z = rolling ^ UInt64(UInt(bitPattern: seed))
            z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
            z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
            return Int(truncatingIfNeeded: z ^ (z >> 31))
        }
        public var description: String { String(decoding: value, as: UTF8.self) }
        /// Compares lengths, then from the end: histories' candidate values differ mostly at the tail.
        func equals(_ s: String) -> Bool {
            var s = s
            return s.withUTF8 { other in
                guard other.count == value.count else { return false }
                return value.withUnsafeBufferPointer { mine in
                    var i = mine.count
                    while i > 0 {
                        i -= 1
                        if mine[i] != other[i] { return false }
                    }
                    return true
                }
            }
        }
    }

    // Inlined into the specialized search loop: the operation is then read in place, not copied.
    @inline(__always)
    public func step(_ state: Text, _ op: Operation) -> Text? {
        switch op.function {
        case "get":
            if op.outcome == .indeterminate { return state }
            switch op.output {
            case .string(let s): return state.equals(s) ? state : nil
            case .null: return state.value.isEmpty ? state : nil
            default: return nil
            }
        case "put": return Text(Self.text(op.input))
        case "append":
            var next = state
            next.append(Self.text(op.input))
            return next
        default: return nil
        }
    }

    public func isIrrelevant(_ op: Operation) -> Bool { op.function == "get" && op.outcome == .indeterminate }
    public func isReadOnly(_ op: Operation) -> Bool { op.function == "get" }

    public func validate(_ op: Operation) -> String? {
        ["get", "put", "append"].contains(op.function)
            ? nil : "the kv model knows get, put and append, not \(op.function)"
    }

    public func describe(_ state: Text) -> String { "\"" + state.description + "\"" }

    static func text(_ v: Value) -> String {
        switch v {
        case .string(let s): return s
        case .null: return ""
        default: return v.description
        }
    }
}
