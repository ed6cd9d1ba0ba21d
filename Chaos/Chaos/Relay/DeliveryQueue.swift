import Foundation

/// One direction of a relayed connection: frames waiting for their release time, and the thread
/// that writes them out in release order. Frames without delay keep their order behind delayed
/// ones; only a frame chosen for reordering may be overtaken.
final class DeliveryQueue: @unchecked Sendable {
    private struct Item {
        var bytes: [UInt8]
        var releaseAt: UInt64
        var held: Bool
        var sequence: Int
    }

    private let condition = NSCondition()
    private var items: [Item] = []
    private var sequence = 0
    private var lastRelease: UInt64 = 0
    private var closed = false

    /// Queues `bytes` to go out `delayNanos` from now. In order unless `mayBeOvertaken`.
    func push(_ bytes: [UInt8], delayNanos: UInt64, mayBeOvertaken: Bool = false) {
        condition.lock()
        defer { condition.unlock() }
        var release = MonotonicClock.now() + delayNanos
        if !mayBeOvertaken {
            release = max(release, lastRelease)
            lastRelease = release
        }
        sequence += 1
        items.append(Item(bytes: bytes, releaseAt: release, held: false, sequence: sequence))
        condition.signal()
    }

    /// Holds `bytes` back until `releaseHeld()`; they then go out in the order they came.
    func hold(_ bytes: [UInt8]) {
        condition.lock()
        defer { condition.unlock() }
        sequence += 1
        items.append(Item(bytes: bytes, releaseAt: .max, held: true, sequence: sequence))
    }

    var heldCount: Int {
        condition.lock()
        defer { condition.unlock() }
        return items.filter(\.held).count
    }

    func releaseHeld() {
        condition.lock()
        defer { condition.unlock() }
        guard items.contains(where: \.held) else { return }
        let now = max(MonotonicClock.now(), lastRelease)
        for i in items.indices where items[i].held {
            items[i].held = false
            items[i].releaseAt = now
        }
        lastRelease = now
        condition.signal()
    }

    func close() {
        condition.lock()
        closed = true
        condition.broadcast()
        condition.unlock()
    }

    /// The writer's loop: returns when the queue is closed or a write fails. `checkHold` runs
    /// every few milliseconds so a hold lifted by the control API releases frames promptly.
    func drain(into fd: Int32, checkHold: () -> Void) {
        while true {
            checkHold()
            condition.lock()
            if closed {
                condition.unlock()
                return
            }
            let now = MonotonicClock.now()
            let ready = items.indices.filter { !items[$0].held && items[$0].releaseAt <= now }
                .sorted { (items[$0].releaseAt, items[$0].sequence) < (items[$1].releaseAt, items[$1].sequence) }
            if ready.isEmpty {
                let next = items.filter { !$0.held }.map(\.releaseAt).min()
                let waitNanos = min(next.map { $0 > now ? $0 - now : 0 } ?? 20_000_000, 20_000_000)
                _ = condition.wait(until: Date(timeIntervalSinceNow: Double(max(waitNanos, 200_000)) / 1e9))
                condition.unlock()
                continue
            }
            let out = ready.map { items[$0].bytes }
            let taken = Set(ready)
            items = items.enumerated().filter { !taken.contains($0.offset) }.map(\.element)
            condition.unlock()
            for bytes in out where !Sockets.writeAll(fd, bytes) { return }
        }
    }
}
