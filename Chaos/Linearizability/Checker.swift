import Dispatch
import Foundation

/// Decides whether `history` could have come from one copy of `model` executing each operation
/// atomically between its call and its return.
///
/// The history is split by `model.partitionKey(of:)`; partitions are searched concurrently in
/// slices, round robin, and the check stops as soon as any partition is proven illegal (a history
/// is linearizable iff every partition is: P-compositionality). Time and memory budgets turn into
/// `.unknown`, never a crash.
public func check<M: Model>(history: History, model: M, options: CheckOptions = CheckOptions()) -> CheckResult {
    let start = DispatchTime.now()
    let plan = specializedPlan(history: history, model: model)
    let scheduler = Scheduler(plan: plan, options: options, start: start)
    // A replayed partition already proved the history illegal: no search needs to run.
    if plan.illegal == nil { scheduler.runToCompletion() }
    return scheduler.result(plan: plan)
}

/// The same, with the model given by name (see `Models.names`); nil for an unknown name.
public func check(history: History, modelNamed name: String, options: CheckOptions = CheckOptions()) -> CheckResult? {
    guard let model = Models.named(name) else { return nil }
    return check(history: history, model: model, options: options)
}

/// Operations `model` cannot interpret, one message each (empty when all are fine).
public func validate<M: Model>(history: History, model: M) -> [String] {
    history.operations.compactMap { op in model.validate(op).map { "operation \(op.id) (\(op.summary)): \($0)" } }
}

func defaultWorkerCount() -> Int { ProcessInfo.processInfo.activeProcessorCount }

/// The built-in models by their concrete types, so that the compiler specializes the search set-up,
/// the replay and the state interning for them even when the caller holds an `any Model`. The
/// key-value model gets its own state space (chains instead of interned strings); every other
/// model's states are interned values.
private func specializedPlan<M: Model>(history: History, model: M) -> PartitionPlan {
    if let m = model as? CASRegisterModel { return PartitionPlan(history: history, model: m, space: InternedStates<CASRegisterModel>.self) }
    if let m = model as? KeyValueModel { return PartitionPlan(history: history, model: m, space: TextChainStates.self) }
    if let m = model as? RegisterModel { return PartitionPlan(history: history, model: m, space: InternedStates<RegisterModel>.self) }
    if let m = model as? MapModel { return PartitionPlan(history: history, model: m, space: InternedStates<MapModel>.self) }
    return PartitionPlan(history: history, model: model, space: InternedStates<M>.self)
}

/// Runs partition searches on a few threads, a slice at a time, until one is illegal, all are
/// linearizable, or a budget runs out.
private final class Scheduler: @unchecked Sendable {
    private let plan: PartitionPlan
    /// Each partition's search, built when a worker first takes it (set and read under the lock).
    private var searches: [(any SearchTask)?]
    private let options: CheckOptions
    private let start: DispatchTime
    private let lock = NSLock()
    private var queue: [Int]
    private var head = 0
    private var memory: [Int]
    /// Each partition's next slice: small at first so that quickly decided partitions (above all
    /// illegal ones) finish before long ones hog the workers, then doubling to `sliceSteps`.
    private var slices: [Int]
    private var totalMemory = 0
    /// Partitions not yet started, in order.
    private var waiting: [Int]
    private var nextWaiting = 0
    static let maxOpen = 64
    private var illegal: Int?
    private var unknownReason: String?

    init(plan: PartitionPlan, options: CheckOptions, start: DispatchTime) {
        self.plan = plan
        searches = Array(repeating: nil, count: plan.searched.count)
        self.options = options
        self.start = start
        // At most `maxOpen` partitions in progress at once; the rest wait their turn in order.
        // Round robin among thousands of keys would hold every one's memo at the same time.
        let open = min(searches.count, Self.maxOpen)
        queue = Array(0..<open)
        waiting = Array(open..<searches.count)
        memory = Array(repeating: 0, count: searches.count)
        slices = Array(repeating: min(256, options.sliceSteps), count: searches.count)
    }

    func runToCompletion() {
        let workers = min(options.workers, searches.count)
        if searches.isEmpty { return }
        if workers <= 1 {
            work()
            return
        }
        // Most checks are decided in a few thousand steps: they finish on the calling thread, for
        // more threads cost more than such a check takes, and on a busy machine a second thread
        // waits for a core while the first waits for it (c10-ok took 7 ms wall for 1 ms of CPU).
        // Only a check still running after two full slices spreads over the workers.
        if work(stepLimit: 2 * options.sliceSteps) { return }
        DispatchQueue.concurrentPerform(iterations: workers) { _ in self.work() }
    }

    /// Runs slices until none is left to take (true) or `stepLimit` steps have been granted (false).
    @discardableResult
    private func work(stepLimit: Int = .max) -> Bool {
        var granted = 0
        while granted < stepLimit {
            guard let (i, slice) = take() else { return true }
            // Built outside the lock: only the worker holding partition i's slice touches it.
            let search = lock.withLock { searches[i] } ?? plan.search(i)
            let status = search.run(steps: slice)
            finish(i, search, status: status, memory: search.memoryBytes)
            granted += slice
        }
        return false
    }

    private func take() -> (Int, Int)? {
        lock.lock()
        defer { lock.unlock() }
        guard illegal == nil, unknownReason == nil, head < queue.count else { return nil }
        if let timeout = options.timeout, elapsed() > timeout {
            unknownReason = "timeout after \(timeout) s"
            return nil
        }
        head += 1
        let i = queue[head - 1]
        let slice = slices[i]
        slices[i] = min(options.sliceSteps, slice * 2)
        return (i, slice)
    }

    private func finish(_ i: Int, _ search: any SearchTask, status: SearchStatus, memory bytes: Int) {
        lock.lock()
        defer { lock.unlock() }
        searches[i] = search
        totalMemory += bytes - memory[i]
        memory[i] = bytes
        switch status {
        case .illegal:
            if illegal == nil { illegal = i }
        case .linearizable:
            if nextWaiting < waiting.count {
                queue.append(waiting[nextWaiting])
                nextWaiting += 1
            }
        case .running:
            if totalMemory > options.memoryLimitBytes {
                if unknownReason == nil {
                    unknownReason = "memory budget of \(options.memoryLimitBytes >> 20) MiB exhausted"
                }
            } else {
                queue.append(i)
            }
        }
        // Keep the queue from growing without bound: drop the consumed front now and then.
        if head > 4096 {
            queue.removeFirst(head)
            head = 0
        }
    }

    private func elapsed() -> Double {
        Double(DispatchTime.now().uptimeNanoseconds - start.uptimeNanoseconds) / 1e9
    }

    func result(plan: PartitionPlan) -> CheckResult {
        var reports = plan.replayed
        reports.reserveCapacity(plan.replayed.count + searches.count)
        for (i, search) in searches.enumerated() {
            guard let s = search else {
                // Never started: the check ended first.
                let p = plan.searched[i]
                reports.append(PartitionReport(key: p.key, operationCount: p.members.count, linearizable: nil, steps: 0, memoEntries: 0, states: 0))
                continue
            }
            reports.append(
                PartitionReport(
                    key: s.key, operationCount: s.operations.count,
                    linearizable: s.status == .running ? nil : s.status == .linearizable,
                    steps: s.steps, memoEntries: s.memoEntries, states: s.stateCount))
        }
        let verdict: Verdict
        var explainer: Explainer?
        if let replayed = plan.illegal {
            verdict = .notLinearizable
            explainer = replayed
        } else if let i = illegal {
            verdict = .notLinearizable
            let search = searches[i]!
            explainer = Explainer { search }
        } else if searches.allSatisfy({ $0?.status == .linearizable }) {
            verdict = .linearizable
        } else {
            verdict = .unknown(unknownReason ?? "search stopped")
        }
        return CheckResult(
            verdict: verdict, explainer: explainer, partitions: reports, elapsedSeconds: elapsed(),
            operationCount: plan.operationCount)
    }
}

/// The explanation of an illegal partition, worked out from its decided search on first use and
/// kept: a caller that wants only the verdict (a benchmark, as Porcupine's returns a bool; a
/// test of many histories) does not pay for copying the prefix and the concurrent operations and
/// replaying the model.
final class Explainer: @unchecked Sendable {
    private let lock = NSLock()
    /// The decided search of the illegal partition (a replayed partition's is run on first use).
    private let search: @Sendable () -> any SearchTask
    private var made: Explanation?

    init(_ search: @escaping @Sendable () -> any SearchTask) { self.search = search }

    var explanation: Explanation {
        lock.lock()
        defer { lock.unlock() }
        if let made { return made }
        let e = Self.explain(search())
        made = e
        return e
    }

    private static func explain(_ s: any SearchTask) -> Explanation {
        let ops = s.operations
        let prefix = s.bestPrefix.map { ops[Int($0)] }
        var failing: Operation
        if s.bestBlocked >= 0 {
            failing = ops[Int(s.bestBlocked)]
        } else {
            // Fallback: the earliest-returning operation outside the prefix.
            let inPrefix = Set(s.bestPrefix)
            failing = ops.indices.filter { !inPrefix.contains(Int32($0)) }
                .min { (ops[$0].returnTime ?? .max) < (ops[$1].returnTime ?? .max) }
                .map { ops[$0] } ?? ops[0]
        }
        let fEnd = failing.returnTime ?? .max
        let concurrent = ops.filter { op in
            op.id != failing.id && op.callTime <= fEnd && (op.returnTime ?? .max) >= failing.callTime
        }
        return Explanation(
            key: s.key, failing: failing, longestPrefix: prefix, stateAfterPrefix: s.stateAfterBestPrefix,
            concurrent: concurrent, partitionOperations: ops)
    }
}
