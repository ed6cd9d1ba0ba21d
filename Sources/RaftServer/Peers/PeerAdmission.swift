import Logging
import NIOConcurrencyHelpers
import NIOCore

/// Counts the peer port's inbound connections against `PeerPortLimits` and decides, at accept,
/// whether a new one may stay. Touched on the transport's loop only (the listener and every
/// connection it accepts share that loop), so plain counters suffice.
final class PeerAdmission: @unchecked Sendable {
    let limits: PeerPortLimits
    let metrics: NodeMetrics?
    private let logger: Logger
    /// Inbound connections open now, proved or not.
    private(set) var open = 0
    /// Of those, the ones still in their handshake.
    private(set) var unauthenticated = 0

    init(limits: PeerPortLimits, metrics: NodeMetrics?, logger: Logger) {
        self.limits = limits
        self.metrics = metrics
        self.logger = logger
    }

    /// A connection was just accepted: nil if it may stay (and is now counted as open and
    /// unauthenticated), else why it must be closed (already logged and counted).
    func admit(from remote: String) -> String? {
        let reason: String
        if open >= limits.maxConnections {
            reason = "\(open) peer connections are open (the limit, --peer-max-connections)"
        } else if unauthenticated >= limits.maxUnauthenticated {
            reason = "\(unauthenticated) peer connections are still in their handshake (the limit, --peer-max-handshakes)"
        } else {
            open += 1
            unauthenticated += 1
            publish()
            return nil
        }
        metrics?.peerConnectionsRefused.increment()
        // A flood would write a line per connection: one warning per reason every 30 s.
        if Self.shouldWarn(reason) {
            logger.warning("peer connection from \(remote) refused: \(reason)")
        } else {
            logger.debug("peer connection from \(remote) refused: \(reason)")
        }
        return reason
    }

    /// An admitted connection finished its handshake (or failed it): it no longer holds a
    /// handshake slot. Called at most once per connection.
    func leftHandshake() {
        unauthenticated -= 1
        publish()
    }

    /// An admitted connection closed; `inHandshake`: it never left its handshake.
    func closed(inHandshake: Bool) {
        open -= 1
        if inHandshake { unauthenticated -= 1 }
        publish()
    }

    private func publish() {
        metrics?.peerInboundConnections.record(open)
    }

    private static let lastWarned = NIOLockedValueBox([String: NIODeadline]())

    /// The reasons carry counts that change: rate-limit on the part before the number's context.
    private static func shouldWarn(_ reason: String) -> Bool {
        let key = reason.drop { $0.isNumber || $0 == " " }
        return lastWarned.withLockedValue { seen in
            let now = NIODeadline.now()
            if let last = seen[String(key)], now - last < .seconds(30) { return false }
            seen[String(key)] = now
            return true
        }
    }
}
