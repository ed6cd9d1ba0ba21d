import Foundation

/// One TCP connection accepted on link (a->b)'s listener and connected on to b's peer port.
/// Frames from a go out under link a->b's faults; b's frames back on the same connection under
/// b->a's faults, so a one-way cut silences exactly one direction. Four threads (a reader and a
/// writer per direction) end together when either side closes or the relay resets the link.
final class RelayConnection: @unchecked Sendable {
    let link: DirectedLink
    private let dialerFD: Int32
    private let targetFD: Int32
    private let lock = NSLock()
    private var closed = false
    private var threadsRunning = 4
    let toTarget = DeliveryQueue()
    let toDialer = DeliveryQueue()

    init(link: DirectedLink, dialerFD: Int32, targetFD: Int32) {
        self.link = link
        self.dialerFD = dialerFD
        self.targetFD = targetFD
    }

    func start(relay: Relay) {
        spawn { [self] in pump(from: dialerFD, queue: toTarget, link: link, relay: relay) }
        spawn { [self] in pump(from: targetFD, queue: toDialer, link: link.reversed, relay: relay) }
        spawn { [self] in toTarget.drain(into: targetFD) { relay.releaseIfUnheld(toTarget, link: link) } }
        spawn { [self] in toDialer.drain(into: dialerFD) { relay.releaseIfUnheld(toDialer, link: link.reversed) } }
    }

    private func spawn(_ body: @escaping @Sendable () -> Void) {
        let t = Thread { [self] in
            body()
            close()
            threadEnded()
        }
        t.stackSize = 256 << 10
        t.start()
    }

    private func pump(from fd: Int32, queue: DeliveryQueue, link: DirectedLink, relay: Relay) {
        var splitter = FrameSplitter()
        while let bytes = Sockets.read(fd) {
            for piece in splitter.feed(bytes) { relay.route(piece, on: link, into: queue) }
        }
    }

    /// Ends the connection: both sockets shut down, so every thread of it returns.
    func close() {
        lock.lock()
        let first = !closed
        closed = true
        lock.unlock()
        guard first else { return }
        shutdown(dialerFD, Int32(SHUT_RDWR))
        shutdown(targetFD, Int32(SHUT_RDWR))
        toTarget.close()
        toDialer.close()
    }

    var isClosed: Bool {
        lock.lock()
        defer { lock.unlock() }
        return closed
    }

    private func threadEnded() {
        lock.lock()
        threadsRunning -= 1
        let last = threadsRunning == 0
        lock.unlock()
        if last {
            Glibc.close(dialerFD)
            Glibc.close(targetFD)
        }
    }
}
