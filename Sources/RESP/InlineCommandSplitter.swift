/// Splits an inline command line into arguments with the quoting rules of Redis's
/// `sdssplitargs` (what redis-cli and telnet users rely on):
///
/// - arguments are separated by whitespace;
/// - "double quotes" allow `\n \r \t \b \a`, `\xHH` and `\<any>` escapes;
/// - 'single quotes' allow only `\'`;
/// - a closing quote must be followed by whitespace or the end of the line;
/// - an unterminated quote is an error (nil).
///
/// As in Redis, where the line is a C string, a NUL byte ends the line.
public enum InlineCommandSplitter {
    public static func split(_ line: [UInt8]) -> [[UInt8]]? {
        line.withUnsafeBytes { split($0, from: 0, to: $0.count) }
    }

    static func split(_ bytes: UnsafeRawBufferPointer, from start: Int, to lineEnd: Int) -> [[UInt8]]? {
        let end = firstIndex(of: 0, in: bytes, from: start, to: lineEnd) ?? lineEnd
        var args: [[UInt8]] = []
        var p = start
        while true {
            while p < end && isSpace(bytes[p]) { p += 1 }
            if p >= end { return args }
            var inDoubleQuotes = false
            var inSingleQuotes = false
            var done = false
            var current: [UInt8] = []
            while !done {
                if inDoubleQuotes {
                    guard p < end else { return nil }  // unterminated quotes
                    let c = bytes[p]
                    if c == UInt8(ascii: "\\"), p + 3 < end, bytes[p + 1] == UInt8(ascii: "x"),
                        let hi = hexValue(bytes[p + 2]), let lo = hexValue(bytes[p + 3])
                    {
                        current.append(hi << 4 | lo)
                        p += 3
                    } else if c == UInt8(ascii: "\\"), p + 1 < end {
                        p += 1
                        switch bytes[p] {
                        case UInt8(ascii: "n"): current.append(0x0A)
                        case UInt8(ascii: "r"): current.append(0x0D)
                        case UInt8(ascii: "t"): current.append(0x09)
                        case UInt8(ascii: "b"): current.append(0x08)
                        case UInt8(ascii: "a"): current.append(0x07)
                        case let other: current.append(other)
                        }
                    } else if c == UInt8(ascii: "\"") {
                        if p + 1 < end && !isSpace(bytes[p + 1]) { return nil }
                        done = true
                    } else {
                        current.append(c)
                    }
                } else if inSingleQuotes {
                    guard p < end else { return nil }
                    let c = bytes[p]
                    if c == UInt8(ascii: "\\"), p + 1 < end, bytes[p + 1] == UInt8(ascii: "'") {
                        p += 1
                        current.append(UInt8(ascii: "'"))
                    } else if c == UInt8(ascii: "'") {
                        if p + 1 < end && !isSpace(bytes[p + 1]) { return nil }
                        done = true
                    } else {
                        current.append(c)
                    }
                } else {
                    if p >= end {
                        done = true
                    } else {
                        switch bytes[p] {
                        case 0x20, 0x0A, 0x0D, 0x09: done = true
                        case UInt8(ascii: "\""): inDoubleQuotes = true
                        case UInt8(ascii: "'"): inSingleQuotes = true
                        case let c: current.append(c)
                        }
                    }
                }
                if p < end { p += 1 }
            }
            args.append(current)
        }
    }

    /// C's isspace in the "C" locale.
    @inline(__always)
    static func isSpace(_ c: UInt8) -> Bool {
        c == 0x20 || (c >= 0x09 && c <= 0x0D)
    }

    @inline(__always)
    static func hexValue(_ c: UInt8) -> UInt8? {
        switch c {
        case UInt8(ascii: "0")...UInt8(ascii: "9"): return c - UInt8(ascii: "0")
        case UInt8(ascii: "a")...UInt8(ascii: "f"): return c - UInt8(ascii: "a") + 10
        case UInt8(ascii: "A")...UInt8(ascii: "F"): return c - UInt8(ascii: "A") + 10
        default: return nil
        }
    }
}
