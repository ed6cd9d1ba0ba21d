// Parsing of the expiry options shared by SET, GETEX, SETEX/PSETEX and EXPIRE*, and the
// leader-side rewrite of relative times into absolute deadlines.

enum ExpireUnit { case seconds, milliseconds }

enum Expiry {
    /// Converts a client's time argument into an absolute deadline (ms), with Redis's checks:
    /// the value must be an integer, positive when `positive`, and must not overflow.
    static func deadline(_ arg: [UInt8], unit: ExpireUnit, relative: Bool, now: Int64,
                         command: String, positive: Bool = true) throws(CommandError) -> Int64 {
        var v = try Numbers.int(arg)
        if positive && v <= 0 { throw .invalidExpire(command) }
        if unit == .seconds {
            let (m, o) = v.multipliedReportingOverflow(by: 1000)
            if o { throw .invalidExpire(command) }
            v = m
        }
        if relative {
            let (s, o) = v.addingReportingOverflow(now)
            if o { throw .invalidExpire(command) }
            v = s
        }
        return v
    }
}

/// SET's options after parsing; expiry already absolute.
struct SetOptions {
    var nx = false, xx = false, get = false, keepTTL = false
    var deadline: Int64? = nil

    static func parse(_ a: [[UInt8]], from start: Int, now: Int64, command: String) throws(CommandError) -> SetOptions {
        var o = SetOptions()
        var expireSeen = false
        var i = start
        while i < a.count {
            let opt = a[i]
            let hasNext = i + 1 < a.count
            if opt.isOption("nx") && !o.xx { o.nx = true }
            else if opt.isOption("xx") && !o.nx { o.xx = true }
            else if opt.isOption("get") { o.get = true }
            else if opt.isOption("keepttl") && !expireSeen { o.keepTTL = true; expireSeen = true }
            else if !expireSeen && hasNext && (opt.isOption("ex") || opt.isOption("px") || opt.isOption("exat") || opt.isOption("pxat")) {
                let seconds = opt.isOption("ex") || opt.isOption("exat")
                let relative = opt.isOption("ex") || opt.isOption("px")
                o.deadline = try Expiry.deadline(a[i + 1], unit: seconds ? .seconds : .milliseconds,
                                                 relative: relative, now: now, command: command)
                expireSeen = true
                i += 1
            } else {
                throw .syntax
            }
            i += 1
        }
        return o
    }

    /// The canonical argument list with an absolute PXAT, for the log.
    func canonical(_ name: [UInt8], _ key: [UInt8], _ value: [UInt8]) -> [[UInt8]] {
        var out: [[UInt8]] = [name, key, value]
        if nx { out.append(Array("NX".utf8)) }
        if xx { out.append(Array("XX".utf8)) }
        if get { out.append(Array("GET".utf8)) }
        if keepTTL { out.append(Array("KEEPTTL".utf8)) }
        if let d = deadline { out.append(Array("PXAT".utf8)); out.append(Numbers.bytes(d)) }
        return out
    }
}
