#if canImport(Glibc)
import Glibc
#endif
import Dispatch
import NIOConcurrencyHelpers

extension RaftServer {
    /// For an application that runs the node without a ServiceGroup: makes SIGTERM and SIGINT
    /// start `shutdown()` (stop accepting, drain, hand leadership over, sync), after which
    /// `run()` returns: a daemon's main then exits 0. A second signal while shutting down exits
    /// the process at once with status 1 (an impatient operator's Ctrl-C). In a ServiceGroup,
    /// give the group these signals as graceful shutdown signals instead (RaftServer+Service.swift)
    /// and call `exitOnRepeatedSignal()`; an application that owns its signals calls
    /// `shutdown()` from its own handler.
    public func shutdownOnSignals(_ signals: [Int32] = [SIGTERM, SIGINT]) {
        watchSignals(signals, firstShutsDown: true)
    }

    /// For a node in a ServiceGroup that turns `signals` into its graceful shutdown: the group
    /// ignores a repeated signal, so here a second one exits the process at once with status 1,
    /// as `shutdownOnSignals` does (a graceful shutdown can take seconds: drain, hand-over).
    public func exitOnRepeatedSignal(_ signals: [Int32] = [SIGTERM, SIGINT]) {
        watchSignals(signals, firstShutsDown: false)
    }

    private func watchSignals(_ signals: [Int32], firstShutsDown: Bool) {
        let received = NIOLockedValueBox(0)
        let logger = self.logger
        let sources = signals.map { sig in
            signal(sig, SIG_IGN)  // delivered to the dispatch source instead of ending the process
            let source = DispatchSource.makeSignalSource(signal: sig, queue: .global())
            let name = sig == SIGTERM ? "SIGTERM" : sig == SIGINT ? "SIGINT" : "signal \(sig)"
            source.setEventHandler { [self] in
                let n = received.withLockedValue { $0 += 1; return $0 }
                guard n == 1 else {
                    logger.warning("\(name) again: exiting without finishing the shutdown")
                    exit(1)
                }
                logger.info("\(name): shutting down gracefully")
                if firstShutsDown { Task { await shutdown() } }
            }
            source.resume()
            return source
        }
        operations.signalSources.withLockedValue { $0.append(contentsOf: sources.map { SignalSourceBox(source: $0) }) }
    }
}

/// Keeps a signal source alive as long as the server (Dispatch sources are not Sendable).
struct SignalSourceBox: @unchecked Sendable {
    let source: any DispatchSourceSignal
}
