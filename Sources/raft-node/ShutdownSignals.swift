#if canImport(Glibc)
import Glibc
#endif
import Dispatch
import Logging
import NIOConcurrencyHelpers
import RaftServer

/// SIGTERM and SIGINT start a graceful shutdown (RaftServer.shutdown(): stop accepting, drain,
/// hand leadership over, sync); `run()` then returns and the process exits 0. A second signal
/// while shutting down exits at once with status 1 (an impatient operator's Ctrl-C).
enum ShutdownSignals {
    static func install(server: RaftServer, logger: Logger) -> [any DispatchSourceSignal] {
        let received = NIOLockedValueBox(0)
        return [SIGTERM, SIGINT].map { sig in
            signal(sig, SIG_IGN)  // delivered to the dispatch source instead of killing the process
            let source = DispatchSource.makeSignalSource(signal: sig, queue: .global())
            source.setEventHandler {
                let n = received.withLockedValue { $0 += 1; return $0 }
                let name = sig == SIGTERM ? "SIGTERM" : "SIGINT"
                guard n == 1 else {
                    logger.warning("\(name) again: exiting without finishing the shutdown")
                    exit(1)
                }
                logger.info("\(name): shutting down gracefully")
                Task { await server.shutdown() }
            }
            source.resume()
            return source
        }
    }
}
