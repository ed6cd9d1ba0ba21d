import Foundation

/// The thread a chaos run's own async code runs on (ChaosRun.run): its pacing (the progress loop,
/// waiting for clients to stop, the final read) must keep time however busy the cooperative pool
/// is. Swift's pool has one thread per core, and code that blocks those threads (CPU-bound
/// synchronous work, as other test suites are) stalled a run planned for 10 s for 14 minutes in
/// this project's own test suite. A task that prefers this executor runs every job, including the
/// resumption after each `Task.sleep`, on this one thread, which the operating system schedules
/// beside the pool's. Nothing here blocks: the workload's clients and the fault schedule have
/// threads of their own.
public final class RunExecutor: TaskExecutor, @unchecked Sendable {
    public static let shared = RunExecutor(name: "raft-chaos run")

    private let condition = NSCondition()
    private var jobs: [UnownedJob] = []
    private var thread: pthread_t?

    private init(name: String) {
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

    public func enqueue(_ job: consuming ExecutorJob) {
        let job = UnownedJob(job)
        condition.lock()
        jobs.append(job)
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
            while jobs.isEmpty { condition.wait() }
            let batch = jobs
            jobs.removeAll(keepingCapacity: true)
            condition.unlock()
            for job in batch { job.runSynchronously(on: asUnownedTaskExecutor()) }
        }
    }
}
