import RaftCore

/// The plan of one run: which fault starts when and for how long, drawn from a scenario and a
/// seed alone (the same pair always gives the same plan). Choices that depend on the cluster at
/// the time (who leads) are made when the fault starts, from the entry's own `choice` number, so
/// they too are the same for the same cluster state.
public struct Schedule: Hashable, Sendable {
    public struct Entry: Hashable, Sendable, CustomStringConvertible {
        /// Seconds after the run's start.
        public var start: Double
        public var duration: Double
        public var fault: FaultSpec
        /// Drives this fault's own random choices (which minority, which ring order).
        public var choice: UInt64
        public var description: String {
            "at \(String(format: "%.1f", start))s for \(String(format: "%.1f", duration))s: \(fault)"
        }
    }

    public var entries: [Entry]

    /// Faults fill `duration` seconds; none outlasts it (the heal comes right after).
    public static func draw(_ scenario: Scenario, seed: UInt64, duration: Double) -> Schedule {
        var random = SplitMix64(seed: seed)
        func uniform(_ r: ClosedRange<Double>) -> Double {
            r.lowerBound + (r.upperBound - r.lowerBound) * Double(random.next() >> 11) / Double(1 << 53)
        }
        let totalWeight = scenario.faults.reduce(0) { $0 + $1.weight }
        var entries: [Entry] = []
        var t = scenario.settle
        while true {
            let start = entries.isEmpty ? t : t + uniform(scenario.gap)
            var length = uniform(scenario.length)
            if start + min(length, 1) > duration { break }
            length = min(length, duration - start)
            var pick = random.below(totalWeight)
            var fault = scenario.faults[0].fault
            for f in scenario.faults {
                if pick < f.weight {
                    fault = f.fault
                    break
                }
                pick -= f.weight
            }
            entries.append(Entry(start: start, duration: length, fault: fault, choice: random.next()))
            t = start + length
        }
        return Schedule(entries: entries)
    }
}
