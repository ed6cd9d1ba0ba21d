/// Incremental parser for server replies: the whole RESP3 grammar (and so RESP2), including
/// nested aggregates, blob errors, verbatim strings, big numbers, doubles, booleans, maps,
/// sets, pushes and attributes (which are validated and dropped: `RESPValue` has no case for
/// them and no client here needs them). Streamed (`$?`, `*?`) values are rejected.
///
/// It works like valkey-swift's RESP token: first validate that one whole value is present,
/// then decode it in one pass. Validation is resumable: it keeps the offset it reached and the
/// stack of open aggregates, so a large reply arriving in many reads is scanned once.
///
/// Contract: pass the unconsumed input; when a value is returned, drop `consumed` bytes from
/// the front before the next call; otherwise pass the same bytes again with more appended.
public struct RESPReplyParser: Sendable {
    public struct Limits: Hashable, Sendable {
        /// Deepest nesting of aggregates accepted (a hostile server cannot blow the stack).
        public var maxDepth: Int
        public var maxBulkLength: Int
        public var maxAggregateLength: Int

        public init(maxDepth: Int = 64, maxBulkLength: Int = 512 * 1024 * 1024, maxAggregateLength: Int = 1 << 28) {
            self.maxDepth = maxDepth
            self.maxBulkLength = maxBulkLength
            self.maxAggregateLength = maxAggregateLength
        }
    }

    private struct OpenAggregate: Sendable {
        var remaining: Int
        /// An attribute map precedes the value it annotates and is not counted by its parent.
        var isAttribute: Bool
    }

    public let limits: Limits
    private var validated = 0
    private var open: [OpenAggregate] = []

    public init(limits: Limits = Limits()) {
        self.limits = limits
    }

    public mutating func parse(_ bytes: UnsafeRawBufferPointer) throws(RESPProtocolError) -> (value: RESPValue, consumed: Int)? {
        guard let end = try validate(bytes) else { return nil }
        var cursor = 0
        let value = Self.decode(bytes, &cursor)
        assert(cursor == end)
        validated = 0
        open.removeAll(keepingCapacity: true)
        return (value, end)
    }

    // MARK: validation

    /// Advances over whole elements; returns the end of the top-level value once it is complete.
    private mutating func validate(_ bytes: UnsafeRawBufferPointer) throws(RESPProtocolError) -> Int? {
        let end = bytes.count
        while true {
            guard validated < end else { return nil }
            let type = bytes[validated]
            guard let cr = firstIndex(of: 0x0D, in: bytes, from: validated + 1, to: end), cr + 1 < end else {
                return nil
            }
            guard bytes[cr + 1] == 0x0A else { throw RESPProtocolError("ERR Protocol error: expected CRLF") }
            let lineStart = validated + 1
            var next = cr + 2
            var opened: OpenAggregate? = nil

            switch type {
            case UInt8(ascii: "+"), UInt8(ascii: "-"), UInt8(ascii: "("):
                break
            case UInt8(ascii: ":"):
                guard Self.parseInteger(bytes, lineStart, cr) != nil else { throw Self.bad("invalid integer") }
            case UInt8(ascii: "_"):
                guard cr == lineStart else { throw Self.bad("invalid null") }
            case UInt8(ascii: "#"):
                guard cr == lineStart + 1, bytes[lineStart] == UInt8(ascii: "t") || bytes[lineStart] == UInt8(ascii: "f")
                else { throw Self.bad("invalid boolean") }
            case UInt8(ascii: ","):
                guard Self.parseDouble(bytes, lineStart, cr) != nil else { throw Self.bad("invalid double") }
            case UInt8(ascii: "$"), UInt8(ascii: "!"), UInt8(ascii: "="):
                guard let length = Self.parseInteger(bytes, lineStart, cr) else { throw Self.bad("invalid bulk length") }
                if length == -1 && type == UInt8(ascii: "$") { break }
                guard length >= 0, length <= Int64(limits.maxBulkLength) else { throw Self.bad("invalid bulk length") }
                if type == UInt8(ascii: "=") && length < 4 { throw Self.bad("invalid verbatim string") }
                guard end - next >= Int(length) + 2 else { return nil }
                next += Int(length)
                guard bytes[next] == 0x0D, bytes[next + 1] == 0x0A else { throw Self.bad("expected CRLF after bulk") }
                next += 2
            case UInt8(ascii: "*"), UInt8(ascii: "%"), UInt8(ascii: "~"), UInt8(ascii: ">"), UInt8(ascii: "|"):
                guard let count = Self.parseInteger(bytes, lineStart, cr) else { throw Self.bad("invalid aggregate length") }
                if count == -1 && type == UInt8(ascii: "*") { break }
                guard count >= 0, count <= Int64(limits.maxAggregateLength) else { throw Self.bad("invalid aggregate length") }
                let isPaired = type == UInt8(ascii: "%") || type == UInt8(ascii: "|")
                let children = Int(count) * (isPaired ? 2 : 1)
                if children > 0 || type == UInt8(ascii: "|") {
                    opened = OpenAggregate(remaining: children, isAttribute: type == UInt8(ascii: "|"))
                }
            default:
                throw Self.bad("unexpected type byte '\\x\(hex2(type))'")
            }
            validated = next

            if let aggregate = opened {
                // An empty attribute map (remaining 0) opens nothing: the annotated value follows.
                if aggregate.remaining > 0 {
                    guard open.count < limits.maxDepth else { throw Self.bad("reply nested too deeply") }
                    open.append(aggregate)
                }
                continue
            }
            if valueCompleted() { return validated }
        }
    }

    /// A value ended at `validated`: close the aggregates it completes. True when the
    /// top-level value is complete.
    private mutating func valueCompleted() -> Bool {
        while var top = open.popLast() {
            top.remaining -= 1
            if top.remaining > 0 {
                open.append(top)
                return false
            }
            // A completed attribute annotates the next value: the parent still waits for it.
            if top.isAttribute { return false }
        }
        return true
    }

    // MARK: decoding (input already validated, so no bounds or format failures remain)

    private static func decode(_ bytes: UnsafeRawBufferPointer, _ cursor: inout Int) -> RESPValue {
        let type = bytes[cursor]
        let lineStart = cursor + 1
        let cr = firstIndex(of: 0x0D, in: bytes, from: lineStart, to: bytes.count)!
        cursor = cr + 2
        func text() -> String { String(decoding: UnsafeRawBufferPointer(rebasing: bytes[lineStart..<cr]), as: UTF8.self) }
        func count() -> Int { Int(parseInteger(bytes, lineStart, cr)!) }
        func payload(_ n: Int) -> [UInt8] {
            defer { cursor += n + 2 }
            return Array(UnsafeRawBufferPointer(rebasing: bytes[cursor..<(cursor + n)]))
        }
        func elements(_ n: Int) -> [RESPValue] {
            var out: [RESPValue] = []
            out.reserveCapacity(n)
            for _ in 0..<n { out.append(decode(bytes, &cursor)) }
            return out
        }
        switch type {
        case UInt8(ascii: "+"): return .simpleString(text())
        case UInt8(ascii: "-"): return .error(text())
        case UInt8(ascii: "("): return .bigNumber(text())
        case UInt8(ascii: ":"): return .integer(parseInteger(bytes, lineStart, cr)!)
        case UInt8(ascii: "_"): return .null
        case UInt8(ascii: "#"): return .boolean(bytes[lineStart] == UInt8(ascii: "t"))
        case UInt8(ascii: ","): return .double(parseDouble(bytes, lineStart, cr)!)
        case UInt8(ascii: "$"):
            let n = count()
            return n == -1 ? .bulkString(nil) : .bulkString(payload(n))
        case UInt8(ascii: "!"):
            return .error(String(decoding: payload(count()), as: UTF8.self))
        case UInt8(ascii: "="):
            let body = payload(count())
            return .verbatimString(format: String(decoding: body[0..<3], as: UTF8.self), text: Array(body[4...]))
        case UInt8(ascii: "*"):
            let n = count()
            return n == -1 ? .array(nil) : .array(elements(n))
        case UInt8(ascii: "~"): return .set(elements(count()))
        case UInt8(ascii: ">"): return .push(elements(count()))
        case UInt8(ascii: "%"):
            let n = count()
            var pairs: [RESPValue.Pair] = []
            pairs.reserveCapacity(n)
            for _ in 0..<n {
                let key = decode(bytes, &cursor)
                pairs.append(RESPValue.Pair(key, decode(bytes, &cursor)))
            }
            return .map(pairs)
        default:  // "|": skip the attribute map, return the value it annotates
            _ = elements(count() * 2)
            return decode(bytes, &cursor)
        }
    }

    // MARK: scalars

    /// A decimal integer with an optional sign. Looser than Redis's request parsing (leading
    /// zeros, '+', "-0" are accepted) because other servers send them.
    static func parseInteger(_ bytes: UnsafeRawBufferPointer, _ start: Int, _ end: Int) -> Int64? {
        var p = start
        var negative = false
        if p < end && (bytes[p] == UInt8(ascii: "-") || bytes[p] == UInt8(ascii: "+")) {
            negative = bytes[p] == UInt8(ascii: "-")
            p += 1
        }
        guard p < end, end - p <= 40 else { return nil }
        guard let magnitude = decimalMagnitude(bytes, from: p, to: end) else { return nil }
        return signedDecimal(magnitude: magnitude, negative: negative)
    }

    static func parseDouble(_ bytes: UnsafeRawBufferPointer, _ start: Int, _ end: Int) -> Double? {
        guard end > start, end - start <= 400 else { return nil }
        let s = String(decoding: UnsafeRawBufferPointer(rebasing: bytes[start..<end]), as: UTF8.self)
        switch s.lowercased() {
        case "inf", "+inf": return .infinity
        case "-inf": return -.infinity
        case "nan", "-nan": return .nan
        default:
            // Swift's parser also takes hex floats and "infinity"; RESP3 sends decimal only,
            // so insist on digits, sign, point and exponent.
            guard s.utf8.allSatisfy({ ($0 >= 0x30 && $0 <= 0x39) || $0 == 0x2E || $0 == 0x2D || $0 == 0x2B || $0 == 0x65 || $0 == 0x45 })
            else { return nil }
            return Double(s)
        }
    }

    private static func bad(_ what: String) -> RESPProtocolError {
        RESPProtocolError("ERR Protocol error: \(what)")
    }
}
