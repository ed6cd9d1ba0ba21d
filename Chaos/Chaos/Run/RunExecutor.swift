import Foundation

/// The thread a chaos run's own async code runs on (ChaosRun.run): its pacing (the progress loop,
/// waiting for clients to stop, the final read) must keep time however busy the cooperative pool
/// is. Swift's pool has one thread per core, and code that blocks those threads (CPU-bound
/// synchronous work, as other test suites are) stalled a run planned for 10 s for 14 minutes in
/// this project's own test suite. A task that prefers this executor runs every job, including the
/// resumption after each `Task.sleep`, on this executor's thread, which the operating system
/// schedules beside the pool's. One per run: a run's synchronous stretches (waiting for a
/// leader, checking the history) then hold up only that run, never another run beside it.
public final class RunExecutor: TaskExecutor, @unchecked Sendable {
    private let condition = NSCondition()
    private var jobs: [UnownedJob] = []
    private var thread: pthread_t?
    private var shuttingDown = false

    public init(name: String) {
        let t = Thread { [self] in
            condition.lock()
            thread = pthread_self()
            condition.broadcast()
            condition.unlock()
            work()
        }
        t.name = name
        t.start()
        condition.lock()
        while thread == nil { condition.wait() }
        condition.unlock()
    }

    /// Runs `body` on a new executor's thread, then ends that thread.
    public static func run<T: Sendable>(name: String, _ body: () async -> T) async -> T {
        let executor = RunExecutor(name: name)
        defer { executor.shutdown() }
        return await withTaskExecutorPreference(executor) { await body() }
    }

    public func enqueue(_ job: consuming ExecutorJob) {
        let job = UnownedJob(job)
        condition.lock()
        guard !shuttingDown else {
            // A job that arrives after the run (none should): the global pool runs it.
            condition.unlock()
            globalConcurrentExecutor.enqueue(job)
            return
        }
        jobs.append(job)
        condition.signal()
        condition.unlock()
    }

    /// Lets the thread finish the jobs it holds and end; later jobs go to the global pool.
    public func shutdown() {
        condition.lock()
        shuttingDown = true
        condition.signal()
        condition.unlock()
    }

    /// True on the executor's own thread.
    public var isCurrent: Bool {
        condition.lock()
        defer { condition.unlock() }
        return thread.map { pthread_equal($0, pthread_self()) != 0 } ?? false
    }

    private func work() {
        while true {
            condition.lock()
            while jobs.isEmpty && !shuttingDown { condition.wait() }
            if jobs.isEmpty && shuttingDown {
                condition.unlock()
                return
            }
            let batch = jobs
            jobs.removeAll(keepingCapacity: true)
            condition.unlock()
            for job in batch { job.runSynchronously(on: asUnownedTaskExecutor()) }
        }
    }
}
