// The Raft messages of a capture, each once, in the order they were sent. Without a relay map
// every captured message is one line. With one, the two legs of each relayed message (sender →
// relay, relay → receiver) are paired by their bytes, so each shows once with its true sender
// and receiver, and what the relay did to it: delivered after a delay, dropped, or duplicated.
import PeerWire
import RaftCore

public struct TimelineMessage: Sendable {
    /// The frame as its sender sent it (the first leg when relayed).
    public var frame: CapturedFrame
    public var message: Message
    /// The relay's legs to the receiver, in order (empty when the message did not cross a relay).
    public var deliveries: [CapturedFrame]
    public var relayed: Bool

    /// What the relay did, when the message crossed it.
    public enum RelayFate: Equatable, Sendable {
        case delivered(delayNanos: Int64)
        case dropped
        case duplicated(copies: Int, firstDelayNanos: Int64)
    }

    public var fate: RelayFate? {
        guard relayed else { return nil }
        guard let first = deliveries.first else { return .dropped }
        let delay = first.time - frame.time
        return deliveries.count == 1 ? .delivered(delayNanos: delay) : .duplicated(copies: deliveries.count, firstDelayNanos: delay)
    }
}

public struct Timeline: Sendable {
    public var messages: [TimelineMessage]
    /// Relay legs whose first leg was never captured (for example captured before the capture began).
    public var unmatchedDeliveries: [CapturedFrame]

    public init(_ capture: DecodedCapture, relay: RelayMap? = nil) {
        guard let relay, !relay.links.isEmpty else {
            messages = capture.frames.compactMap { f in f.message.map { TimelineMessage(frame: f, message: $0, deliveries: [], relayed: false) } }
            unmatchedDeliveries = []
            return
        }
        struct Key: Hashable {
            var from: NodeID, to: NodeID, checksum: UInt32, length: Int
        }
        let relayPorts = relay.ports
        var out: [TimelineMessage] = []
        var waiting: [Key: [Int]] = [:]      // first legs not yet delivered, oldest first
        var lastDelivered: [Key: Int] = [:]  // for copies beyond the first
        var unmatched: [CapturedFrame] = []
        for f in capture.frames {
            guard let m = f.message else { continue }
            let key = Key(from: m.from, to: m.to, checksum: f.checksum, length: f.length)
            if relayPorts.contains(f.destination.port) {
                waiting[key, default: []].append(out.count)
                out.append(TimelineMessage(frame: f, message: m, deliveries: [], relayed: true))
            } else if var queue = waiting[key], !queue.isEmpty {
                let i = queue.removeFirst()
                waiting[key] = queue
                out[i].deliveries.append(f)
                lastDelivered[key] = i
            } else if let i = lastDelivered[key] {
                out[i].deliveries.append(f)
            } else if relayPorts.contains(f.source.port) {
                unmatched.append(f)
            } else {
                // Neither leg touches a relay port: a direct message (or the relay's first leg was missed).
                out.append(TimelineMessage(frame: f, message: m, deliveries: [], relayed: false))
            }
        }
        messages = out
        unmatchedDeliveries = unmatched
    }
}
