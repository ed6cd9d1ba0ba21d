import Foundation

/// Plays a `Schedule` on its own thread: starts each fault at its time, ends it after its
/// duration, one at a time. `finish()` ends the fault in force (if any) and waits for the thread.
public final class ScheduleRunner: @unchecked Sendable {
    private let nemesis: Nemesis
    private let schedule: Schedule
    private let lock = NSLock()
    private var stopping = false
    private var done = false
    public private(set) var started = 0

    public init(nemesis: Nemesis, schedule: Schedule) {
        self.nemesis = nemesis
        self.schedule = schedule
    }

    /// `origin`: the MonotonicClock time entries count from.
    public func start(origin: UInt64) {
        Thread { [self] in
            for entry in schedule.entries {
                guard sleep(until: origin + UInt64(entry.start * 1e9)) else { break }
                let active = nemesis.start(entry.fault, choice: entry.choice)
                lock.lock()
                started += 1
                lock.unlock()
                _ = sleep(until: origin + UInt64((entry.start + entry.duration) * 1e9))
                nemesis.end(active)
            }
            lock.lock()
            done = true
            lock.unlock()
        }.start()
    }

    /// Sleeps in small steps until `deadline`; false when told to stop first.
    private func sleep(until deadline: UInt64) -> Bool {
        while MonotonicClock.now() < deadline {
            lock.lock()
            let stop = stopping
            lock.unlock()
            if stop { return false }
            Thread.sleep(forTimeInterval: min(0.05, Double(deadline - MonotonicClock.now()) / 1e9))
        }
        return true
    }

    /// Cuts the fault in force short (it is ended, not left behind) and waits for the thread.
    public func finish() {
        lock.lock()
        stopping = true
        lock.unlock()
        let deadline = Date().addingTimeInterval(30)
        while Date() < deadline {
            lock.lock()
            let d = done
            lock.unlock()
            if d { return }
            Thread.sleep(forTimeInterval: 0.02)
        }
    }
}
