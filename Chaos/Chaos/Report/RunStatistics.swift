/// The figures the report draws, computed once from the run's files. Times are seconds since the
/// run's first recorded event.
struct RunStatistics {
    /// A fault's window: from its start to its end (or to the end of the run if it never ended).
    struct FaultWindow {
        var id: Int
        var kind: String
        var targets: [String]
        var description: String
        var start: Double
        var end: Double
        var ended: Bool
        // Operations called while the fault was in force.
        var ok = 0, fail = 0, info = 0
        /// The longest time within the window with no write completing ok.
        var longestWriteGap: Double = 0
        var okShare: Double? { ok + fail + info == 0 ? nil : Double(ok) / Double(ok + fail + info) }
    }

    /// A moment when the set of nodes claiming leadership, or the highest term seen, changed.
    struct LeadershipChange {
        var time: Double
        var leaders: [String]
        var term: UInt64?
    }

    struct Bucket {
        var ok = 0, fail = 0, info = 0
        var p50: Double?  // latency of ok operations completing in the bucket, ms
        var p99: Double?
    }

    var origin: UInt64
    var duration: Double
    var nodes: [String]
    var counts = (ok: 0, fail: 0, info: 0, open: 0)
    var windows: [FaultWindow] = []
    var instants: [(time: Double, kind: String, description: String)] = []
    var leadership: [LeadershipChange] = []
    /// One per `bucketSeconds`, by completion time (calls never completed count at their call).
    var buckets: [Bucket] = []
    var bucketSeconds: Double = 1
    var longestWriteGap: (length: Double, from: Double) = (0, 0)

    init(_ files: RunFiles) {
        let ops = files.operations
        var first = UInt64.max, last: UInt64 = 0
        for op in ops {
            first = min(first, op.start)
            last = max(last, op.end ?? op.start)
        }
        for f in files.faults {
            first = min(first, f.time)
            last = max(last, f.time)
        }
        for o in files.observations {
            first = min(first, o.time)
            last = max(last, o.time)
        }
        if first == .max { first = 0 }
        origin = first
        duration = max(0.001, Double(last &- first) / 1e9)
        var nodeSet = Set(ops.map(\.node)).union(files.observations.map(\.node)).union(files.nodeFolders)
        nodeSet.remove("?")
        nodes = nodeSet.sorted(by: NodeOrder.less)
        for op in ops {
            switch op.ending {
            case .ok: counts.ok += 1
            case .fail: counts.fail += 1
            case .info: counts.info += 1
            case .open: counts.open += 1
            }
        }
        buildFaults(files.faults)
        buildBuckets(ops)
        buildAvailability(ops)
        buildLeadership(files.observations)
    }

    func seconds(_ t: UInt64) -> Double { Double(t &- origin) / 1e9 }

    private mutating func buildFaults(_ events: [FaultEvent]) {
        var open: [Int: FaultEvent] = [:]
        for e in events.sorted(by: { $0.time < $1.time }) {
            switch e.phase {
            case .start:
                open[e.id] = e
            case .end:
                let s = open.removeValue(forKey: e.id)
                windows.append(FaultWindow(
                    id: e.id, kind: s?.kind ?? e.kind, targets: s?.targets ?? e.targets, description: s?.description ?? e.description,
                    start: s.map { seconds($0.time) } ?? 0, end: seconds(e.time), ended: true))
            case .instant:
                instants.append((seconds(e.time), e.kind, e.description))
            }
        }
        for (_, s) in open {
            windows.append(FaultWindow(id: s.id, kind: s.kind, targets: s.targets, description: s.description, start: seconds(s.time), end: duration, ended: false))
        }
        windows.sort { ($0.start, $0.id) < ($1.start, $1.id) }
    }

    private mutating func buildBuckets(_ ops: [ReportOperation]) {
        // At most 1200 buckets, whole seconds when the run is shorter than 20 minutes.
        // Short runs get quarter seconds, so a fault of a second or two still shows.
        bucketSeconds = duration < 30 ? 0.25 : max(1, (duration / 1200).rounded(.up))
        let count = Int(duration / bucketSeconds) + 1
        buckets = Array(repeating: Bucket(), count: count)
        var latencies = Array(repeating: [Double](), count: count)
        for op in ops {
            let at = seconds(op.end ?? op.start)
            let b = min(count - 1, max(0, Int(at / bucketSeconds)))
            switch op.ending {
            case .ok:
                buckets[b].ok += 1
                if let end = op.end { latencies[b].append(Double(end &- op.start) / 1e6) }
            case .fail: buckets[b].fail += 1
            case .info, .open: buckets[b].info += 1
            }
        }
        for b in 0..<count where !latencies[b].isEmpty {
            latencies[b].sort()
            buckets[b].p50 = Self.percentile(latencies[b], 0.5)
            buckets[b].p99 = Self.percentile(latencies[b], 0.99)
        }
    }

    static func percentile(_ sorted: [Double], _ q: Double) -> Double {
        sorted[min(sorted.count - 1, Int((Double(sorted.count - 1) * q).rounded()))]
    }

    private mutating func buildAvailability(_ ops: [ReportOperation]) {
        let writes = ops.filter { $0.ending == .ok && $0.isWrite }.compactMap { $0.end.map(seconds) }.sorted()
        // Over the whole run, only while clients were running (not the set-up and the final reads).
        if let first = ops.map(\.start).min(), let last = ops.map({ $0.end ?? $0.start }).max() {
            longestWriteGap = Self.longestGap(in: writes, from: seconds(first), to: seconds(last))
        }
        for i in windows.indices {
            let (a, b) = (windows[i].start, windows[i].end)
            windows[i].longestWriteGap = Self.longestGap(in: writes, from: a, to: b).length
        }
        guard !windows.isEmpty else { return }
        for op in ops {
            let t = seconds(op.start)
            for i in windows.indices where windows[i].start <= t && t <= windows[i].end {
                switch op.ending {
                case .ok: windows[i].ok += 1
                case .fail: windows[i].fail += 1
                case .info, .open: windows[i].info += 1
                }
            }
        }
    }

    /// The longest interval of [from, to] containing none of `times` (sorted).
    static func longestGap(in times: [Double], from: Double, to: Double) -> (length: Double, from: Double) {
        var lo = 0, hi = times.count
        while lo < hi {  // first time >= from
            let mid = (lo + hi) / 2
            if times[mid] < from { lo = mid + 1 } else { hi = mid }
        }
        var best = (length: 0.0, from: from)
        var previous = from
        var i = lo
        while i < times.count, times[i] <= to {
            if times[i] - previous > best.length { best = (times[i] - previous, previous) }
            previous = times[i]
            i += 1
        }
        if to - previous > best.length { best = (to - previous, previous) }
        return best
    }

    private mutating func buildLeadership(_ observations: [ClusterObservation]) {
        var latest: [String: ClusterObservation] = [:]
        var last: ([String], UInt64?)? = nil
        for o in observations.sorted(by: { $0.time < $1.time }) {
            latest[o.node] = o
            let leaders = latest.values.filter { $0.role == "leader" }.map(\.node).sorted(by: NodeOrder.less)
            // The highest term seen so far: nodes that are down report none, which is no step back.
            let current = latest.values.compactMap(\.term).max()
            let term = [current, last?.1].compactMap { $0 }.max()
            if last == nil || last!.0 != leaders || last!.1 != term {
                leadership.append(LeadershipChange(time: seconds(o.time), leaders: leaders, term: term))
                last = (leaders, term)
            }
        }
    }
}
