import Dispatch

/// Elle's list-append check (Kingsbury & Alvaro, VLDB 2020), for transactions of appends (RPUSH)
/// and whole-list reads (LRANGE): is there a serial order of the committed transactions that
/// explains every read?
///
/// Appended elements are unique per key, so a read names every append before it, in order: the
/// longest read of a key gives its version order, and every other read must be a prefix of it.
/// From that order and the reads come Adya's dependencies: write-write (T1 appended the element
/// just before T2's), write-read (T2's read ends at T1's element) and read-write (T1's read stops
/// just before T2's element). A cycle among them is an order no serial execution allows.
/// Indeterminate transactions may have committed: their appends count, their reads do not.
/// Sound but not complete, like Elle: every anomaly reported is real, some may go unseen
/// (appends no read observed are not ordered).
///
/// With `realtime`, transactions are also ordered by real time (Elle's `:strict-serializable`):
/// T1 < T2 when T1 completed before T2 began, so a read that misses an append acknowledged
/// before the read began is a cycle (a stale read). Besides the cycles, the final reads' completeness
/// (`FinalReadCompleteness`): an acknowledged append missing from a read made after every
/// acknowledged append had returned is lost.
public enum ListAppend {
    /// The model's name on the command line.
    public static let modelName = "list-append"

    /// True when `history` is made of transactions (`f: txn`).
    public static func isTransactional(_ history: History) -> Bool {
        !history.operations.isEmpty && history.operations.allSatisfy { $0.function == "txn" }
    }

    /// Operations the check cannot read, one message each.
    public static func validate(history: History) -> [String] {
        var problems: [String] = []
        for op in history.operations + history.aborted {
            guard op.function == "txn" else {
                problems.append("operation \(op.id) (\(op.summary)): the list-append model knows txn, not \(op.function)")
                continue
            }
            do {
                _ = try Transaction.parse(op, status: op.outcome == .ok ? .committed : .indeterminate)
            } catch {
                problems.append(error.description)
            }
        }
        return problems
    }

    /// The final reads' completeness alone (`FinalReadCompleteness`): acknowledged appends missing
    /// from a read made after every acknowledged append had returned.
    public static func lostAppends(history: History) throws(TransactionFormatError) -> [LostAppend] {
        var txns: [Transaction] = []
        txns.reserveCapacity(history.operations.count)
        for op in history.operations {
            txns.append(try Transaction.parse(op, status: op.outcome == .ok ? .committed : .indeterminate))
        }
        return FinalReadCompleteness.lostAppends(txns)
    }

    /// Checks the history; `maxCyclesPerKind` bounds the cycles reported of each kind; `realtime`
    /// adds real-time order (strict serializability).
    public static func check(history: History, maxCyclesPerKind: Int = 4, realtime: Bool = false) throws(TransactionFormatError) -> TransactionCheckResult {
        let start = DispatchTime.now()
        var txns: [Transaction] = []
        txns.reserveCapacity(history.operations.count)
        for op in history.operations {
            txns.append(try Transaction.parse(op, status: op.outcome == .ok ? .committed : .indeterminate))
        }
        let aborted = try history.aborted.map { op throws(TransactionFormatError) in try Transaction.parse(op, status: .aborted) }
        var inference = Inference(txns: txns, aborted: aborted, realtime: realtime)
        inference.run(maxCyclesPerKind: maxCyclesPerKind)
        var counts: [DependencyKind: Int] = [:]
        for e in inference.graph.edges { counts[e.kind, default: 0] += 1 }
        return TransactionCheckResult(
            anomalies: inference.anomalies, lostAppends: FinalReadCompleteness.lostAppends(txns), realtime: realtime,
            transactionCount: txns.count, abortedCount: aborted.count, dependencyCounts: counts,
            elapsedSeconds: Double(DispatchTime.now().uptimeNanoseconds - start.uptimeNanoseconds) / 1e9)
    }
}

/// The inference itself: versions, single-read anomalies, the graph, its cycles.
private struct Inference {
    let txns: [Transaction]
    let aborted: [Transaction]
    let realtime: Bool
    var graph: DependencyGraph
    var anomalies: [TransactionAnomaly] = []

    private struct Element: Hashable {
        var key: String
        var value: Value
    }

    /// Who appended each element: the transaction, and whether it appended to that key again after.
    private var writer: [Element: (txn: Int32, intermediate: Bool)] = [:]
    private var abortedWriter: [Element: Int32] = [:]
    /// Each key's version order: its longest committed read.
    private var order: [String: [Value]] = [:]

    init(txns: [Transaction], aborted: [Transaction], realtime: Bool) {
        self.txns = txns
        self.aborted = aborted
        self.realtime = realtime
        graph = DependencyGraph(count: txns.count)
    }

    mutating func run(maxCyclesPerKind: Int) {
        indexAppends()
        checkInternal()
        checkReads()
        inferDependencies()
        if realtime { addRealtimeOrder() }
        findCycles(maxPerKind: maxCyclesPerKind)
    }

    private func name(_ t: Int32, _ names: [Int32: Int]) -> String { "T\(names[t] ?? Int(t))" }

    private static func list(_ els: [Value]) -> String { "[" + els.map(\.description).joined(separator: " ") + "]" }

    // MARK: appends

    private mutating func indexAppends() {
        for (t, txn) in txns.enumerated() {
            var last: [String: Element] = [:]
            for step in txn.steps {
                guard case .append(let key, let value) = step else { continue }
                let el = Element(key: key, value: value)
                if let previous = last[key] { writer[previous]?.intermediate = true }
                if let other = writer[el] {
                    report(.duplicateElements, [Int32(other.txn), Int32(t)],
                        "Let T1 = \(txns[Int(other.txn)].summary)\nand T2 = \(txn.summary).\n"
                        + "Both append \(value) to key \(key); appended elements must be unique, so reads cannot order them.")
                    continue
                }
                writer[el] = (Int32(t), false)
                last[key] = el
            }
        }
        for (a, txn) in aborted.enumerated() {
            for step in txn.steps {
                if case .append(let key, let value) = step { abortedWriter[Element(key: key, value: value)] = Int32(a) }
            }
        }
    }

    // MARK: single transactions and single reads

    /// A transaction must see its own appends and what it read before.
    private mutating func checkInternal() {
        for (t, txn) in txns.enumerated() where txn.status == .committed {
            var known: [String: [Value]] = [:]
            var since: [String: [Value]] = [:]
            for step in txn.steps {
                switch step {
                case .append(let key, let value):
                    since[key, default: []].append(value)
                case .read(let key, let els?):
                    let mine = since[key] ?? []
                    if let before = known[key] {
                        if els != before + mine {
                            report(.internalInconsistency, [Int32(t)],
                                "Let T1 = \(txn.summary).\nT1 read key \(key) = \(Self.list(before))"
                                + (mine.isEmpty ? "" : " and appended \(Self.list(mine))")
                                + ", so it must read \(Self.list(before + mine)) next, but read \(Self.list(els)).")
                        }
                    } else if !mine.isEmpty && !els.reversed().starts(with: mine.reversed()) {
                        report(.internalInconsistency, [Int32(t)],
                            "Let T1 = \(txn.summary).\nT1 appended \(Self.list(mine)) to key \(key), so its read of \(key) must end with them, but read \(Self.list(els)).")
                    }
                    known[key] = els
                    since[key] = []
                case .read(_, nil):
                    break
                }
            }
        }
    }

    /// Garbage and aborted reads, duplicates in a list, reads that are not prefixes of one another,
    /// intermediate reads; leaves each key's version order in `order`.
    private mutating func checkReads() {
        var longest: [String: (els: [Value], txn: Int32)] = [:]
        var reportedKeys = Set<String>()
        for (t, txn) in txns.enumerated() where txn.status == .committed {
            for case .read(let key, let els?) in txn.steps {
                var inList = Set<Value>()
                for v in els {
                    if !inList.insert(v).inserted, !reportedKeys.contains("dup " + key) {
                        reportedKeys.insert("dup " + key)
                        report(.duplicateElements, [Int32(t)],
                            "Let T1 = \(txn.summary).\nT1 read key \(key) = \(Self.list(els)), which holds \(v) twice; each element is appended once.")
                    }
                    let el = Element(key: key, value: v)
                    if writer[el] != nil { continue }
                    if let a = abortedWriter[el] {
                        report(.g1a, [Int32(t)],
                            "Let T1 = \(aborted[Int(a)].summary)\nand T2 = \(txn.summary).\n"
                            + "T2 read key \(key) = \(Self.list(els)), which holds \(v); but T1 appended \(v) and aborted: T2 read a write that never committed.",
                            extra: [aborted[Int(a)]])
                    } else {
                        report(.garbageRead, [Int32(t)],
                            "Let T1 = \(txn.summary).\nT1 read key \(key) = \(Self.list(els)), which holds \(v), but no transaction appended \(v) to \(key).")
                    }
                }
                if let last = els.last, let w = writer[Element(key: key, value: last)], w.intermediate, w.txn != Int32(t) {
                    let wt = txns[Int(w.txn)]
                    let later = wt.steps.compactMap { s -> Value? in
                        if case .append(key, let v) = s { return v } else { return nil }
                    }
                    report(.g1b, [w.txn, Int32(t)],
                        "Let T1 = \(wt.summary)\nand T2 = \(txn.summary).\n"
                        + "T2 read key \(key) = \(Self.list(els)), ending at \(last); but T1 appended \(Self.list(later)) to \(key) in one transaction, so \(last) was never the last element of a committed state: T2 saw T1 half done.")
                }
                if let (best, bt) = longest[key] {
                    let (short, long) = els.count <= best.count ? (els, best) : (best, els)
                    if !long.starts(with: short) {
                        if reportedKeys.insert("order " + key).inserted {
                            report(.incompatibleOrder, [bt, Int32(t)],
                                "Let T1 = \(txns[Int(bt)].summary)\nand T2 = \(txn.summary).\n"
                                + "T1 read key \(key) = \(Self.list(best)) and T2 read \(Self.list(els)): neither is a prefix of the other, so no single order of appends to \(key) explains both.")
                        }
                    } else if els.count > best.count {
                        longest[key] = (els, Int32(t))
                    }
                } else {
                    longest[key] = (els, Int32(t))
                }
            }
        }
        for (key, entry) in longest { order[key] = entry.els }
    }

    // MARK: dependencies

    private mutating func inferDependencies() {
        // ww: consecutive elements of each version order, appended by different transactions.
        for (key, els) in order where els.count > 1 {
            for k in 1..<els.count {
                guard let a = writer[Element(key: key, value: els[k - 1])], let b = writer[Element(key: key, value: els[k])] else { continue }
                graph.add(Dependency(from: a.txn, to: b.txn, kind: .ww, key: key, element: els[k], previous: els[k - 1]))
            }
        }
        for (t, txn) in txns.enumerated() where txn.status == .committed {
            var appended = Set<String>()
            for step in txn.steps {
                switch step {
                case .append(let key, _):
                    appended.insert(key)
                case .read(let key, let els?):
                    // A read after the transaction's own append to the key says nothing about others.
                    if appended.contains(key) { continue }
                    if let last = els.last, let w = writer[Element(key: key, value: last)] {
                        graph.add(Dependency(from: w.txn, to: Int32(t), kind: .wr, key: key, element: last, read: els))
                    }
                    if let full = order[key], els.count < full.count, full.starts(with: els),
                        let w = writer[Element(key: key, value: full[els.count])]
                    {
                        graph.add(Dependency(from: Int32(t), to: w.txn, kind: .rw, key: key, element: full[els.count], read: els))
                    }
                case .read(_, nil):
                    break
                }
            }
        }
    }

    /// rt edges T1 -> T2 where T1 committed and returned before T2 was called (equal times overlap),
    /// transitively reduced as Elle's realtime graph is: a transaction's call gets an edge from each
    /// completed transaction not already behind another completed one it follows, so the edges stay
    /// about (transactions x concurrency). Indeterminate transactions get edges in, none out: they
    /// may complete at any time later.
    private mutating func addRealtimeOrder() {
        var events: [(time: Int64, isReturn: Bool, txn: Int32)] = []
        events.reserveCapacity(2 * txns.count)
        for (t, txn) in txns.enumerated() {
            events.append((txn.operation.callTime, false, Int32(t)))
            if txn.status == .committed, let r = txn.operation.returnTime { events.append((r, true, Int32(t))) }
        }
        events.sort { a, b in
            if a.time != b.time { return a.time < b.time }
            if a.isReturn != b.isReturn { return !a.isReturn }
            return a.txn < b.txn
        }
        // Completed transactions that no completed later one has followed yet.
        var frontier = Set<Int32>()
        var before = [[Int32]](repeating: [], count: txns.count)
        for e in events {
            let t = Int(e.txn)
            if e.isReturn {
                for p in before[t] { frontier.remove(p) }
                frontier.insert(e.txn)
            } else {
                before[t] = frontier.sorted()
                for p in before[t] { graph.add(Dependency(from: p, to: e.txn, kind: .rt, key: "", element: .null)) }
            }
        }
    }

    // MARK: cycles

    /// In each strongly connected component, the shortest cycles of each kind, searched from the
    /// strongest anomaly down: ww only (G0), ww and wr (G1c), one rw (G-single), any (G2).
    private mutating func findCycles(maxPerKind: Int) {
        var found: [TransactionAnomaly.Kind: Int] = [:]
        let all: Set<DependencyKind> = [.ww, .wr, .rw]
        let noAnti: Set<DependencyKind> = [.ww, .wr]
        var reported = Set<[Int32]>()
        func record(_ path: [Int32]) {
            let kind = classify(path)
            guard found[kind, default: 0] < maxPerKind else { return }
            let nodes = path.map { graph.edges[Int($0)].from }
            // The same cycle found from another edge: report it once.
            let canonical = rotateToSmallest(nodes)
            guard reported.insert(canonical).inserted else { return }
            found[kind, default: 0] += 1
            anomalies.append(TransactionAnomaly(
                kind: kind, transactions: nodes.map { txns[Int($0)] }, explanation: explain(path)))
        }
        // G0 and G1c: cycles without anti-dependencies, through an edge of the strongest kind present.
        for (kinds, wanted) in [(Set<DependencyKind>([.ww]), DependencyKind.ww), (noAnti, .wr)] {
            for sub in graph.components(kinds: kinds) {
                let subSet = Set(sub)
                var attempts = 0
                search: for v in sub {
                    for ei in graph.out[Int(v)] {
                        let e = graph.edges[Int(ei)]
                        guard e.kind == wanted, subSet.contains(e.to) else { continue }
                        attempts += 1
                        if let back = graph.shortestPath(from: e.to, to: e.from, kinds: kinds, within: subSet) {
                            record([ei] + back)
                            break search
                        }
                        if attempts >= 64 { break search }
                    }
                }
            }
        }
        for component in graph.components(kinds: all) {
            let members = Set(component)
            // G-single first (a path back without anti-dependencies), else G2.
            var attempts = 0
            var single = false
            for v in component where attempts < 256 {
                for ei in graph.out[Int(v)] where attempts < 256 {
                    let e = graph.edges[Int(ei)]
                    guard e.kind == .rw, members.contains(e.to) else { continue }
                    attempts += 1
                    if let back = graph.shortestPath(from: e.to, to: e.from, kinds: noAnti, within: members) {
                        record([ei] + back)
                        single = true
                    }
                }
            }
            if !single {
                outer: for v in component {
                    for ei in graph.out[Int(v)] {
                        let e = graph.edges[Int(ei)]
                        guard e.kind == .rw, members.contains(e.to) else { continue }
                        if let back = graph.shortestPath(from: e.to, to: e.from, kinds: all, within: members) {
                            record([ei] + back)
                            break outer
                        }
                    }
                }
            }
        }
        // Real-time order, only when the dependencies alone form no cycle: cycles through an rt
        // edge (a transaction that did not see what had finished before it began).
        guard realtime, found.isEmpty else { return }
        let withTime: Set<DependencyKind> = [.ww, .wr, .rw, .rt]
        for component in graph.components(kinds: withTime) {
            let members = Set(component)
            var attempts = 0
            search: for v in component {
                for ei in graph.out[Int(v)] {
                    let e = graph.edges[Int(ei)]
                    guard e.kind == .rt, members.contains(e.to) else { continue }
                    attempts += 1
                    if let back = graph.shortestPath(from: e.to, to: e.from, kinds: withTime, within: members) {
                        record([ei] + back)
                        break search
                    }
                    if attempts >= 256 { break search }
                }
            }
        }
    }

    private func rotateToSmallest(_ nodes: [Int32]) -> [Int32] {
        guard let m = nodes.indices.min(by: { nodes[$0] < nodes[$1] }) else { return nodes }
        return Array(nodes[m...] + nodes[..<m])
    }

    private func classify(_ path: [Int32]) -> TransactionAnomaly.Kind {
        let kinds = path.map { graph.edges[Int($0)].kind }
        let anti = kinds.filter { $0 == .rw }.count
        let timed = kinds.contains(.rt)
        if anti == 1 { return timed ? .gSingleRealtime : .gSingle }
        if anti > 1 { return timed ? .g2Realtime : .g2 }
        if kinds.contains(.wr) { return timed ? .g1cRealtime : .g1c }
        return timed ? .g0Realtime : .g0
    }

    /// "Let T1 = ..., T2 = .... Then: T1 < T2, because ...; However, T2 < T1, because ...: a contradiction!"
    private func explain(_ path: [Int32]) -> String {
        var names: [Int32: Int] = [:]
        for ei in path {
            let from = graph.edges[Int(ei)].from
            if names[from] == nil { names[from] = names.count + 1 }
        }
        var lines = ["Let:"]
        for ei in path {
            let from = graph.edges[Int(ei)].from
            lines.append("  \(name(from, names)) = \(txns[Int(from)].summary)")
        }
        lines.append("Then:")
        for (k, ei) in path.enumerated() {
            let e = graph.edges[Int(ei)]
            let (a, b) = (name(e.from, names), name(e.to, names))
            var sentence: String
            switch e.kind {
            case .ww:
                sentence = "\(a) < \(b), because \(a) appended \(e.previous?.description ?? "?") to key \(e.key) and \(b) appended \(e.element) right after it (the longest read of \(e.key) shows \(e.previous?.description ?? "?") then \(e.element))"
            case .wr:
                sentence = "\(a) < \(b), because \(b) observed \(a)'s append of \(e.element) to key \(e.key) (\(b) read \(e.key) = \(Self.list(e.read ?? [])))"
            case .rw:
                sentence = "\(a) < \(b), because \(a) read key \(e.key) = \(Self.list(e.read ?? [])) and did not observe \(b)'s append of \(e.element), which comes next in \(e.key)'s version order"
            case .rt:
                sentence = "\(a) < \(b), because \(a) completed before \(b) began (real-time order)"
            }
            if k == path.count - 1 {
                sentence = "However, " + sentence + ": a contradiction!"
            } else {
                sentence += "."
            }
            lines.append("  - " + sentence)
        }
        return lines.joined(separator: "\n")
    }

    private mutating func report(_ kind: TransactionAnomaly.Kind, _ ts: [Int32], _ text: String, extra: [Transaction] = []) {
        guard anomalies.filter({ $0.kind == kind }).count < 8 else { return }
        anomalies.append(TransactionAnomaly(kind: kind, transactions: extra + ts.map { txns[Int($0)] }, explanation: text))
    }
}
