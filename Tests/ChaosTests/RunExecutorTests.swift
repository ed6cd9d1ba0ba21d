import Foundation
import Testing
@testable import Chaos

/// A chaos run's async code keeps to its own thread, so its timing does not depend on the
/// cooperative pool (which CPU-bound tests or an embedding application may hold).
@Suite struct RunExecutorTests {
    @Test func codePreferringTheRunExecutorResumesOnItsThreadAfterEverySleep() async throws {
        let executor = RunExecutor(name: "test")
        defer { executor.shutdown() }
        #expect(!executor.isCurrent)
        let resumedOnIt = await withTaskExecutorPreference(executor) { () -> [Bool] in
            var seen = [executor.isCurrent]
            for _ in 0..<3 {
                try? await Task.sleep(nanoseconds: 5_000_000)
                seen.append(executor.isCurrent)
            }
            // Child tasks inherit the preference.
            async let child = { executor.isCurrent }()
            seen.append(await child)
            return seen
        }
        #expect(resumedOnIt == [true, true, true, true, true])
    }

    @Test func aShutDownExecutorHandsLateJobsToTheGlobalPool() async {
        let executor = RunExecutor(name: "test")
        let value = await RunExecutor.run(name: "test-run") { 41 + 1 }
        #expect(value == 42)
        executor.shutdown()
        let ran = await Task(executorPreference: executor) { !executor.isCurrent }.value
        #expect(ran, "a job after shutdown ran, and not on the ended thread")
    }

    /// The point of it: with every pool thread blocked, a paced loop on the run executor still
    /// wakes on time. The blockers hold the pool for 4 s; the loop's five 100 ms sleeps must all
    /// end before they let go (measured on the executor's thread, not after the test resumes).
    @Test func aPacedLoopKeepsTimeWhileThePoolIsBlocked() async throws {
        let start = Date()
        let blockFor = 3.0
        let finished = Box()
        let executor = RunExecutor(name: "test")
        defer { executor.shutdown() }
        let loop = Task(executorPreference: executor) {
            for _ in 0..<5 { try? await Task.sleep(nanoseconds: 100_000_000) }
            finished.set(Date().timeIntervalSince(start))
        }
        // As many blockers as the pool has threads (one per core).
        for _ in 0..<ProcessInfo.processInfo.activeProcessorCount {
            Task.detached { usleep(UInt32(blockFor * 1_000_000)) }  // blocks its pool thread
        }
        await loop.value
        let at = try #require(finished.get())
        #expect(at < blockFor - 0.5, "the paced loop ended \(at) s after it began, behind the blocked pool")
    }

    final class Box: @unchecked Sendable {
        private let lock = NSLock()
        private var value: Double?
        func set(_ v: Double) { lock.withLock { value = v } }
        func get() -> Double? { lock.withLock { value } }
    }
}
