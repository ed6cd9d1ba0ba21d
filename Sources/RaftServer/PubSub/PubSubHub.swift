import KeyValueStore
import NIOConcurrencyHelpers
import RESP

/// This node's Pub/Sub subscriptions: which connection listens to which channel or pattern.
///
/// PUBLISH goes through the Raft log (KeyValueStore's `publish` command), and every replica
/// applies it: each node's hub then delivers the message to its own subscribers. So a message
/// published through any node reaches subscribers on every node, and all subscribers see the
/// messages of the cluster in one order, the log's. Delivery is at most once, as in Redis: a
/// subscriber that is disconnected, or a node that restores a snapshot instead of replaying
/// the entries, misses those messages; an entry replayed at start-up publishes nothing (no
/// connection is subscribed yet).
///
/// Called from connection loops (subscribe) and the node's loop (publish): state under a lock,
/// deliveries outside it.
final class PubSubHub: Sendable {
    typealias Sink = @Sendable (RESPValue) -> Void

    private struct State {
        var channels: [ByteKey: [UInt64: Sink]] = [:]
        var patterns: [ByteKey: [UInt64: Sink]] = [:]
    }

    private let state = NIOLockedValueBox(State())

    func subscribe(_ connection: UInt64, channel: ByteKey, sink: @escaping Sink) {
        state.withLockedValue { $0.channels[channel, default: [:]][connection] = sink }
    }

    func unsubscribe(_ connection: UInt64, channel: ByteKey) {
        state.withLockedValue { s in
            s.channels[channel]?[connection] = nil
            if s.channels[channel]?.isEmpty == true { s.channels[channel] = nil }
        }
    }

    func psubscribe(_ connection: UInt64, pattern: ByteKey, sink: @escaping Sink) {
        state.withLockedValue { $0.patterns[pattern, default: [:]][connection] = sink }
    }

    func punsubscribe(_ connection: UInt64, pattern: ByteKey) {
        state.withLockedValue { s in
            s.patterns[pattern]?[connection] = nil
            if s.patterns[pattern]?.isEmpty == true { s.patterns[pattern] = nil }
        }
    }

    /// Delivers to every local subscriber of `channel` and of every pattern matching it;
    /// returns how many deliveries that made (Redis's PUBLISH reply, counted on this node).
    func publish(channel: [UInt8], message: [UInt8]) -> Int {
        let (direct, matched) = state.withLockedValue { s -> ([Sink], [(ByteKey, Sink)]) in
            let direct = s.channels[ByteKey(channel)].map { Array($0.values) } ?? []
            var matched: [(ByteKey, Sink)] = []
            for (pattern, sinks) in s.patterns where Glob.match(pattern.bytes, channel) {
                for sink in sinks.values { matched.append((pattern, sink)) }
            }
            return (direct, matched)
        }
        if !direct.isEmpty {
            let m = RESPValue.push([.bulk("message"), .bulkString(channel), .bulkString(message)])
            for sink in direct { sink(m) }
        }
        for (pattern, sink) in matched {
            sink(.push([.bulk("pmessage"), .bulkString(pattern.bytes), .bulkString(channel), .bulkString(message)]))
        }
        return direct.count + matched.count
    }

    // PUBSUB CHANNELS / NUMSUB / NUMPAT: this node's subscriptions only.

    func activeChannels(matching pattern: [UInt8]?) -> [[UInt8]] {
        state.withLockedValue { s in
            s.channels.keys.map(\.bytes).filter { pattern == nil || Glob.match(pattern!, $0) }.sorted { $0.lexicographicallyPrecedes($1) }
        }
    }

    func subscriberCount(_ channel: [UInt8]) -> Int {
        state.withLockedValue { $0.channels[ByteKey(channel)]?.count ?? 0 }
    }

    var patternCount: Int { state.withLockedValue { $0.patterns.count } }
}
