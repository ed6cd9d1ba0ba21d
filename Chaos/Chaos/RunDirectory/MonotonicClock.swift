import Foundation

/// The one clock of a chaos run: CLOCK_MONOTONIC in nanoseconds, shared by the history, the fault
/// log and the cluster observations so they line up in the report. Never goes backwards, and is not
/// moved by changes to the wall clock.
public enum MonotonicClock {
    public static func now() -> UInt64 {
        var ts = timespec()
        clock_gettime(CLOCK_MONOTONIC, &ts)
        return UInt64(ts.tv_sec) * 1_000_000_000 + UInt64(ts.tv_nsec)
    }
}
