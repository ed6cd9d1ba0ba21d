/// Sizes as Redis's configuration writes them: a number with an optional unit, where k, m and
/// g are powers of 1000 and kb, mb and gb powers of 1024, in any case ("8mb", "500k", "4096").
public enum ByteSize {
    public static func parse(_ text: String, what: String) throws(NodeOptionError) -> Int {
        let lower = text.lowercased()
        let digits = lower.prefix { $0.isASCII && $0.isNumber }
        let unit = lower.dropFirst(digits.count)
        let scale: Int
        switch unit {
        case "": scale = 1
        case "k": scale = 1000
        case "kb": scale = 1024
        case "m": scale = 1_000_000
        case "mb": scale = 1 << 20
        case "g": scale = 1_000_000_000
        case "gb": scale = 1 << 30
        default: throw NodeOptionError("\(what) '\(text)' is not a size (a number, optionally followed by k, kb, m, mb, g or gb)")
        }
        guard !digits.isEmpty, let n = Int(digits) else {
            throw NodeOptionError("\(what) '\(text)' is not a size (a number, optionally followed by k, kb, m, mb, g or gb)")
        }
        let (value, overflow) = n.multipliedReportingOverflow(by: scale)
        guard !overflow else { throw NodeOptionError("\(what) '\(text)' is too large") }
        return value
    }
}
