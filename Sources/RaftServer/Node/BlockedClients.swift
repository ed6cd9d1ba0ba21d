import KeyValueStore
import NIOCore
import RESP

/// The clients blocked on this node (BLPOP and kin), per key in arrival order. Owned by the
/// node's loop.
///
/// A blocked client is `parked` while none of its keys exists in this node's applied state,
/// and `inFlight` while its command goes through the log. After every applied batch the node
/// takes, for each key that now exists, its oldest parked client and proposes its command; if
/// another client won the element meanwhile the reply is null and the client is parked again,
/// at the head of its queues. A timeout answers a parked client at once; an in-flight one
/// keeps its proposal's outcome (an element it popped is never dropped), and gets the timeout
/// reply only if that outcome is null.
final class BlockedClients {
    final class Waiter {
        let id: UInt64
        let connection: UInt64
        let command: ResolvedCommand
        let keys: [ByteKey]
        let promise: EventLoopPromise<RESPValue>
        let timeoutReply: RESPValue
        var timer: Scheduled<Void>?
        var expired = false

        init(id: UInt64, connection: UInt64, command: ResolvedCommand, keys: [ByteKey], promise: EventLoopPromise<RESPValue>, timeoutReply: RESPValue) {
            self.id = id
            self.connection = connection
            self.command = command
            self.keys = keys
            self.promise = promise
            self.timeoutReply = timeoutReply
        }

        func answer(_ reply: RESPValue) {
            timer?.cancel()
            promise.succeed(reply)
        }
    }

    private var parked: [UInt64: Waiter] = [:]
    private var byKey: [ByteKey: [UInt64]] = [:]
    private(set) var inFlight: [UInt64: Waiter] = [:]
    private var nextID: UInt64 = 1

    var isEmpty: Bool { parked.isEmpty }
    var count: Int { parked.count + inFlight.count }

    func makeID() -> UInt64 {
        defer { nextID += 1 }
        return nextID
    }

    func park(_ w: Waiter, atHead: Bool) {
        parked[w.id] = w
        for k in Set(w.keys) {
            if atHead { byKey[k, default: []].insert(w.id, at: 0) } else { byKey[k, default: []].append(w.id) }
        }
    }

    @discardableResult
    func unpark(_ id: UInt64) -> Waiter? {
        guard let w = parked.removeValue(forKey: id) else { return nil }
        for k in Set(w.keys) {
            byKey[k]?.removeAll { $0 == id }
            if byKey[k]?.isEmpty == true { byKey[k] = nil }
        }
        return w
    }

    func markInFlight(_ w: Waiter) { inFlight[w.id] = w }
    func landed(_ id: UInt64) -> Waiter? { inFlight.removeValue(forKey: id) }

    /// For each key that `exists`, its oldest parked client, unparked.
    func takeReady(exists: (ByteKey) -> Bool) -> [Waiter] {
        let keys = byKey.keys.filter(exists)
        var out: [Waiter] = []
        for k in keys {
            if let id = byKey[k]?.first, let w = unpark(id) { out.append(w) }
        }
        return out
    }

    /// The parked clients of a closed connection (they must not pop for nobody).
    func takeAll(connection: UInt64) -> [Waiter] {
        parked.values.filter { $0.connection == connection }.compactMap { unpark($0.id) }
    }
}
