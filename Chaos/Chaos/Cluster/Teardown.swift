import Foundation

/// Kills every node this harness started when raft-chaos is interrupted (Ctrl-C, SIGTERM),
/// then exits with `exitCode`. Normal ends and thrown errors tear down through
/// `ClusterSupervisor.stop()`; this covers the case where no Swift code would run otherwise.
public enum Teardown {
    nonisolated(unsafe) private static var clusters: [ObjectIdentifier: ClusterSupervisor] = [:]
    nonisolated(unsafe) private static var sources: [DispatchSourceSignal] = []
    private static let lock = NSLock()

    static func register(_ c: ClusterSupervisor) {
        lock.lock()
        clusters[ObjectIdentifier(c)] = c
        lock.unlock()
    }

    static func unregister(_ c: ClusterSupervisor) {
        lock.lock()
        clusters[ObjectIdentifier(c)] = nil
        lock.unlock()
    }

    /// Installs the handlers once; `onSignal` runs first (for example to print the verdict line).
    public static func installSignalHandlers(exitCode: Int32 = 3, onSignal: @escaping @Sendable (Int32) -> Void = { _ in }) {
        lock.lock()
        defer { lock.unlock() }
        guard sources.isEmpty else { return }
        // Writing to a node that just died must be an error, not the end of the harness.
        signal(SIGPIPE, SIG_IGN)
        for sig in [SIGINT, SIGTERM, SIGHUP] {
            signal(sig, SIG_IGN)
            let s = DispatchSource.makeSignalSource(signal: sig, queue: .global())
            s.setEventHandler {
                lock.lock()
                let all = Array(clusters.values)
                lock.unlock()
                for c in all { c.killAllNodes() }
                onSignal(sig)
                exit(exitCode)
            }
            s.resume()
            sources.append(s)
        }
    }
}
