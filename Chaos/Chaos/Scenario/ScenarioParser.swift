import Foundation

/// A scenario file's error, naming the file and the line.
public struct ScenarioError: Error, CustomStringConvertible, Equatable {
    public var file: String
    public var line: Int?
    public var message: String
    public var description: String { line.map { "\(file):\($0): \(message)" } ?? "\(file): \(message)" }
}

/// Reads the line-based scenario format (docs/CHAOS.md, "Scenario files"):
///
///     # comment
///     describe Kills and partitions, mixed.
///     settle 2s
///     gap 1s..3s
///     length 2s..5s
///     recover 20s
///     fault kill leader
///     fault 2x partition majority-ring
///     fault link drop 20% of append-response on leader
public enum ScenarioParser {
    public static func parse(_ text: String, name: String, file: String) throws(ScenarioError) -> Scenario {
        var summary = ""
        var gap: ClosedRange<Double> = 2...4
        var length: ClosedRange<Double> = 2...5
        var settle = 2.0
        var recoverWithin = 20.0
        var faults: [Scenario.WeightedFault] = []
        for (index, raw) in text.split(separator: "\n", omittingEmptySubsequences: false).enumerated() {
            let lineNumber = index + 1
            let line = raw.split(separator: "#", maxSplits: 1, omittingEmptySubsequences: false).first.map(String.init) ?? ""
            let words = line.split(whereSeparator: \.isWhitespace).map(String.init)
            guard let keyword = words.first else { continue }
            func fail(_ message: String) -> ScenarioError { ScenarioError(file: file, line: lineNumber, message: message) }
            let rest = Array(words.dropFirst())
            switch keyword {
            case "describe":
                summary = rest.joined(separator: " ")
            case "settle":
                guard rest.count == 1, let s = duration(rest[0]) else { throw fail("settle needs one duration, such as 2s") }
                settle = s
            case "recover":
                let r = rest.first == "within" ? Array(rest.dropFirst()) : rest
                guard r.count == 1, let s = duration(r[0]), s > 0 else { throw fail("recover needs one positive duration, such as 20s") }
                recoverWithin = s
            case "gap", "length":
                guard rest.count == 1, let range = durationRange(rest[0]) else {
                    throw fail("\(keyword) needs a duration or a range such as 1s..3s (low <= high)")
                }
                if keyword == "gap" { gap = range } else {
                    guard range.lowerBound > 0 else { throw fail("length must be positive") }
                    length = range
                }
            case "fault":
                var spec = rest
                var weight = 1
                if let first = spec.first, first.hasSuffix("x"), let w = Int(first.dropLast()) {
                    guard w > 0 else { throw fail("a fault's weight must be at least 1x") }
                    weight = w
                    spec.removeFirst()
                }
                do {
                    faults.append(Scenario.WeightedFault(fault: try faultSpec(spec), weight: weight, line: lineNumber))
                } catch {
                    throw fail(error.message)
                }
            default:
                throw fail("unknown keyword '\(keyword)'; expected describe, settle, gap, length, recover or fault")
            }
        }
        guard !faults.isEmpty else { throw ScenarioError(file: file, line: nil, message: "no fault lines: a scenario needs at least one 'fault ...'") }
        return Scenario(name: name, summary: summary, gap: gap, length: length, settle: settle, recoverWithin: recoverWithin, faults: faults)
    }

    struct SpecError: Error { var message: String }

    static func faultSpec(_ words: [String]) throws(SpecError) -> FaultSpec {
        guard let verb = words.first else { throw SpecError(message: "fault needs a nemesis, such as 'kill leader'") }
        let args = Array(words.dropFirst())
        func target(_ w: [String]) throws(SpecError) -> FaultSpec.Target {
            let names = FaultSpec.Target.allCases.map(\.rawValue).joined(separator: ", ")
            guard w.count == 1, let t = FaultSpec.Target(rawValue: w[0]) else {
                throw SpecError(message: "\(verb) needs one target: \(names)")
            }
            return t
        }
        switch verb {
        case "kill": return .kill(try target(args))
        case "pause": return .pause(try target(args))
        case "remove-rejoin":
            let t = try target(args)
            guard t == .one || t == .leader || t == .follower else { throw SpecError(message: "remove-rejoin takes one node: one, leader or follower") }
            return .removeAndRejoin(t)
        case "reset":
            guard args.isEmpty else { throw SpecError(message: "reset takes no arguments") }
            return .resetConnections
        case "partition":
            let names = FaultSpec.Partition.allCases.map(\.rawValue).joined(separator: ", ")
            guard args.count == 1, let p = FaultSpec.Partition(rawValue: args[0]) else {
                throw SpecError(message: "partition needs one shape: \(names)")
            }
            return .partition(p)
        case "transfer-storm":
            if args.isEmpty { return .transferStorm(everyMs: 500) }
            guard args.count == 2, args[0] == "every", let d = duration(args[1]), d >= 0.05 else {
                throw SpecError(message: "transfer-storm takes 'every DURATION' (at least 50ms)")
            }
            return .transferStorm(everyMs: Int(d * 1000))
        case "link":
            return try linkSpec(args)
        default:
            throw SpecError(message: "unknown nemesis '\(verb)'; expected kill, pause, partition, link, reset, remove-rejoin or transfer-storm")
        }
    }

    static func linkSpec(_ args: [String]) throws(SpecError) -> FaultSpec {
        var f = LinkFaults()
        var on: FaultSpec.Target?
        var i = 0
        func next(_ what: String) throws(SpecError) -> String {
            i += 1
            guard i < args.count else { throw SpecError(message: "link \(what) needs a value") }
            return args[i]
        }
        func percent(_ what: String) throws(SpecError) -> Double {
            let w = try next(what)
            guard w.hasSuffix("%"), let p = Double(w.dropLast()), (0...100).contains(p) else {
                throw SpecError(message: "link \(what) needs a percentage such as 20%, not '\(w)'")
            }
            return p / 100
        }
        func millis(_ what: String) throws(SpecError) -> Int {
            let w = try next(what)
            guard let d = duration(w) else { throw SpecError(message: "link \(what) needs a duration such as 50ms, not '\(w)'") }
            return Int(d * 1000)
        }
        while i < args.count {
            switch args[i] {
            case "drop": f.drop = try percent("drop")
            case "duplicate": f.duplicate = try percent("duplicate")
            case "reorder": f.reorder = try percent("reorder")
            case "corrupt": f.corrupt = try percent("corrupt")
            case "delay": f.delayMs = try millis("delay")
            case "jitter": f.jitterMs = try millis("jitter")
            case "hold": f.hold = true
            case "blackhole":
                if i + 1 < args.count, let mode = LinkFaults.Blackhole(rawValue: args[i + 1]) {
                    f.blackhole = mode
                    i += 1
                } else {
                    f.blackhole = .discard
                }
            case "of":
                let w = try next("of")
                var types: Set<FrameType> = []
                for name in w.split(separator: ",") {
                    guard let t = FrameType(rawValue: String(name)) else {
                        throw SpecError(message: "unknown frame type '\(name)'; known: \(FrameType.allCases.map(\.rawValue).joined(separator: ", "))")
                    }
                    types.insert(t)
                }
                f.types = types
            case "on":
                let w = try next("on")
                guard let t = FaultSpec.Target(rawValue: w) else {
                    throw SpecError(message: "link on needs a target: \(FaultSpec.Target.allCases.map(\.rawValue).joined(separator: ", "))")
                }
                on = t
            default:
                throw SpecError(message: "unknown link fault '\(args[i])'; expected drop, duplicate, reorder, corrupt, delay, jitter, hold, blackhole, of, on")
            }
            i += 1
        }
        guard !f.isHealthy || f.types != nil else { throw SpecError(message: "link needs at least one fault, such as 'drop 20%'") }
        return .link(f, on: on)
    }

    /// "500ms", "2s", "1.5s", "1m".
    public static func duration(_ w: String) -> Double? {
        let units: [(String, Double)] = [("ms", 0.001), ("s", 1), ("m", 60)]
        for (suffix, scale) in units where w.hasSuffix(suffix) {
            if suffix == "s" && w.hasSuffix("ms") { continue }
            guard let v = Double(w.dropLast(suffix.count)), v >= 0, v.isFinite else { return nil }
            return v * scale
        }
        return nil
    }

    static func durationRange(_ w: String) -> ClosedRange<Double>? {
        let parts = w.components(separatedBy: "..")
        if parts.count == 1, let d = duration(parts[0]) { return d...d }
        guard parts.count == 2, let lo = duration(parts[0]), let hi = duration(parts[1]), lo <= hi else { return nil }
        return lo...hi
    }
}
