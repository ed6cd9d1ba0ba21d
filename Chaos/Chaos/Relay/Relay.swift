import Foundation
import RaftCore

/// The only road between nodes. One listener per directed link (a->b): node a is told, with
/// `--peer-via b=127.0.0.1:<that port>`, to dial it to reach b, and the relay connects on to b's
/// real peer port. Frames cross whole (see `FrameSplitter`); faults are set per directed link at
/// run time through the thread-safe methods below, and counted per link.
public final class Relay: @unchecked Sendable {
    private let lock = NSLock()
    private var faults: [DirectedLink: LinkFaults] = [:]
    private var counters: [DirectedLink: LinkCounters] = [:]
    private var connections: [RelayConnection] = []
    private var listeners: [DirectedLink: (fd: Int32, port: Int)] = [:]
    private let targetPorts: [String: Int]
    private var random: SplitMix64
    private var stopped = false
    private var acceptThreadsRunning = 0

    /// `targetPeerPorts`: each node's real peer port (its client port + 1).
    public init(targetPeerPorts: [String: Int], seed: UInt64) {
        self.targetPorts = targetPeerPorts
        self.random = SplitMix64(seed: seed ^ 0x5245_4C41_59)
    }

    public var links: [DirectedLink] {
        let ids = targetPorts.keys.sorted()
        return ids.flatMap { a in ids.filter { $0 != a }.map { DirectedLink(from: a, to: $0) } }
    }

    /// Opens every link's listener on a port the kernel picks.
    public func start() throws {
        for link in links {
            let l = try Sockets.listen()
            lock.lock()
            listeners[link] = l
            acceptThreadsRunning += 1
            lock.unlock()
            let t = Thread { [self] in acceptLoop(link: link, listener: l.fd) }
            t.stackSize = 256 << 10
            t.start()
        }
    }

    /// The port node `link.from` dials to reach `link.to`.
    public func port(for link: DirectedLink) -> Int? {
        lock.lock()
        defer { lock.unlock() }
        return listeners[link]?.port
    }

    public var ports: [DirectedLink: Int] {
        lock.lock()
        defer { lock.unlock() }
        return listeners.mapValues(\.port)
    }

    // MARK: control

    public func setFaults(_ f: LinkFaults, on link: DirectedLink) {
        lock.lock()
        faults[link] = f.isHealthy ? nil : f
        let victims = f.blackhole == .refuse ? connections.filter { $0.link == link } : []
        lock.unlock()
        victims.forEach { $0.close() }
    }

    public func faults(on link: DirectedLink) -> LinkFaults {
        lock.lock()
        defer { lock.unlock() }
        return faults[link] ?? .healthy
    }

    /// Every link healthy again (held frames are released).
    public func healAll() {
        lock.lock()
        faults = [:]
        lock.unlock()
    }

    /// Closes every connection dialed on `link` (the node sees a reset and reconnects).
    public func resetConnections(on link: DirectedLink) {
        lock.lock()
        let victims = connections.filter { $0.link == link }
        lock.unlock()
        victims.forEach { $0.close() }
    }

    public func counters(on link: DirectedLink) -> LinkCounters {
        lock.lock()
        defer { lock.unlock() }
        return counters[link] ?? LinkCounters()
    }

    public var allCounters: [DirectedLink: LinkCounters] {
        lock.lock()
        defer { lock.unlock() }
        return counters
    }

    /// Closes the listeners and every connection; returns once the accept threads have ended.
    public func stop() {
        lock.lock()
        stopped = true
        let all = connections
        connections = []
        lock.unlock()
        all.forEach { $0.close() }
        let deadline = Date().addingTimeInterval(2)
        while Date() < deadline {
            lock.lock()
            let running = acceptThreadsRunning
            lock.unlock()
            if running == 0 { break }
            Thread.sleep(forTimeInterval: 0.02)
        }
    }

    // MARK: the data path

    private func acceptLoop(link: DirectedLink, listener: Int32) {
        defer {
            Glibc.close(listener)
            lock.lock()
            acceptThreadsRunning -= 1
            lock.unlock()
        }
        while true {
            lock.lock()
            let stop = stopped
            lock.unlock()
            if stop { return }
            guard let fd = Sockets.accept(listener, timeoutMs: 100) else { continue }
            if self.faults(on: link).blackhole == .refuse {
                bump(link) { $0.refused += 1 }
                Glibc.close(fd)
                continue
            }
            guard let target = targetPorts[link.to], let out = try? Sockets.connect(port: target, timeoutMs: 500) else {
                // The target is down (killed, or not started yet): the dialer sees the close.
                Glibc.close(fd)
                continue
            }
            let c = RelayConnection(link: link, dialerFD: fd, targetFD: out)
            lock.lock()
            connections.removeAll { $0.isClosed }
            connections.append(c)
            counters[link, default: LinkCounters()].connections += 1
            lock.unlock()
            c.start(relay: self)
        }
    }

    private func bump(_ link: DirectedLink, _ change: (inout LinkCounters) -> Void) {
        lock.lock()
        change(&counters[link, default: LinkCounters()])
        lock.unlock()
    }

    private func chance(_ p: Double) -> Bool {
        p > 0 && Double(random.next() >> 11) / Double(1 << 53) < p
    }

    /// Decides one frame's fate under `link`'s faults as they are right now.
    func route(_ piece: FrameSplitter.Piece, on link: DirectedLink, into queue: DeliveryQueue) {
        lock.lock()
        let f = faults[link] ?? .healthy
        var c = counters[link, default: LinkCounters()]
        defer {
            counters[link] = c
            lock.unlock()
        }
        if f.blackhole != nil {
            c.dropped += 1
            return
        }
        if f.hold {
            c.held += 1
            queue.hold(piece.bytes)
            return
        }
        var bytes = piece.bytes
        var delay: UInt64 = 0
        var overtakable = false
        if f.applies(to: piece.type) {
            if chance(f.drop) {
                c.dropped += 1
                return
            }
            if chance(f.corrupt) && bytes.count > 0 {
                let i = Int(random.next() % UInt64(bytes.count))
                bytes[i] ^= UInt8(truncatingIfNeeded: random.next() | 1)
                c.corrupted += 1
            }
            if f.delayMs > 0 || f.jitterMs > 0 {
                let jitter = f.jitterMs > 0 ? Int(random.next() % UInt64(f.jitterMs + 1)) : 0
                delay = UInt64(f.delayMs + jitter) * 1_000_000
                c.delayed += 1
            }
            if chance(f.reorder) {
                // Late enough that the frames behind it overtake it.
                delay += UInt64(5 + Int(random.next() % 46)) * 1_000_000
                overtakable = true
                c.reordered += 1
            }
            if chance(f.duplicate) {
                c.duplicated += 1
                queue.push(bytes, delayNanos: delay, mayBeOvertaken: overtakable)
            }
        }
        c.forwarded += 1
        c.bytes += bytes.count
        c.byType[piece.type.rawValue, default: 0] += 1
        queue.push(bytes, delayNanos: delay, mayBeOvertaken: overtakable)
    }

    /// Called by writers every few milliseconds: lets held frames go once the hold is lifted.
    func releaseIfUnheld(_ queue: DeliveryQueue, link: DirectedLink) {
        lock.lock()
        let held = faults[link]?.hold == true
        lock.unlock()
        if !held { queue.releaseHeld() }
    }
}
