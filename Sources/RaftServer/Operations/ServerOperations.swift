import NIOConcurrencyHelpers
import NIOCore
import RESP

/// The server's operational state outside the Raft loop: how many client requests are in
/// flight, whether the node is draining for shutdown (`CommandPolicy` reads it), and the
/// metrics endpoint. Shared by every client connection's loop.
final class ServerOperations: Sendable {
    private let inFlightCount = NIOLockedValueBox(0)
    private let drainingFlag = NIOLockedValueBox(false)
    let metricsListener = NIOLockedValueBox<(any Channel)?>(nil)
    let signalSources = NIOLockedValueBox<[SignalSourceBox]>([])

    var inFlight: Int { inFlightCount.withLockedValue { $0 } }
    var isDraining: Bool { drainingFlag.withLockedValue { $0 } }
    func beginDraining() { drainingFlag.withLockedValue { $0 = true } }

    func requestStarted() { inFlightCount.withLockedValue { $0 += 1 } }
    func requestFinished() { inFlightCount.withLockedValue { $0 -= 1 } }
}
