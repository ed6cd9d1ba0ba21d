#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

/// Parses a signed decimal integer the way Redis's `string2ll` does: optional '-', no '+',
/// no leading zeros (except "0" itself), no spaces, no overflow. Returns nil otherwise.
@inline(__always)
func parseRedisInteger(_ bytes: UnsafeRawBufferPointer, _ start: Int, _ end: Int) -> Int64? {
    var p = start
    guard p < end, end - p <= 20 else { return nil }
    var negative = false
    if bytes[p] == UInt8(ascii: "-") {
        negative = true
        p += 1
        guard p < end else { return nil }
    }
    if bytes[p] == UInt8(ascii: "0") {
        // "0" alone is fine; "-0" and "01" are not, as in string2ll.
        return (p + 1 == end && !negative) ? 0 : nil
    }
    guard let magnitude = decimalMagnitude(bytes, from: p, to: end) else { return nil }
    return signedDecimal(magnitude: magnitude, negative: negative)
}

/// The value of the ASCII digits in `bytes[from..<end]`, or nil on a non-digit or overflow.
/// Shared by the request parser (strict, string2ll-like) and the reply parser (lenient).
@inline(__always)
func decimalMagnitude(_ bytes: UnsafeRawBufferPointer, from start: Int, to end: Int) -> UInt64? {
    var p = start
    var magnitude: UInt64 = 0
    while p < end {
        let d = bytes[p] &- UInt8(ascii: "0")
        guard d <= 9 else { return nil }
        let (m1, o1) = magnitude.multipliedReportingOverflow(by: 10)
        let (m2, o2) = m1.addingReportingOverflow(UInt64(d))
        guard !o1, !o2 else { return nil }
        magnitude = m2
        p += 1
    }
    return magnitude
}

/// `magnitude` with its sign as an Int64, or nil when it does not fit.
@inline(__always)
func signedDecimal(magnitude: UInt64, negative: Bool) -> Int64? {
    if negative {
        guard magnitude <= UInt64(Int64.max) + 1 else { return nil }
        return magnitude == UInt64(Int64.max) + 1 ? Int64.min : -Int64(magnitude)
    }
    guard magnitude <= UInt64(Int64.max) else { return nil }
    return Int64(magnitude)
}

/// Index of the first `byte` in `bytes[from..<end]`, or nil.
@inline(__always)
func firstIndex(of byte: UInt8, in bytes: UnsafeRawBufferPointer, from: Int, to end: Int) -> Int? {
    guard from < end, let base = bytes.baseAddress else { return nil }
    guard let hit = memchrIndex(base + from, byte, end - from) else { return nil }
    return from + hit
}

@inline(__always)
private func memchrIndex(_ start: UnsafeRawPointer, _ byte: UInt8, _ count: Int) -> Int? {
    guard let hit = memchr(start, Int32(byte), count) else { return nil }
    return UnsafeRawPointer(hit) - start
}
