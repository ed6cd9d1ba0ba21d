import Foundation
import PeerWire
import RaftCore
@testable import Chaos

/// Collects the frames arriving on one socket, with their arrival times, on its own thread.
final class FrameCollector: @unchecked Sendable {
    private let lock = NSLock()
    private var frames: [(frame: Frame, at: UInt64)] = []
    private var failed: String?

    init(fd: Int32) {
        Thread { [self] in
            var decoder = FrameDecoder()
            while let bytes = Sockets.read(fd) {
                decoder.feed(bytes)
                do {
                    while let f = try decoder.next() {
                        lock.lock()
                        frames.append((f, MonotonicClock.now()))
                        lock.unlock()
                    }
                } catch {
                    lock.lock()
                    failed = "\(error)"
                    lock.unlock()
                    return
                }
            }
        }.start()
    }

    var received: [(frame: Frame, at: UInt64)] {
        lock.lock()
        defer { lock.unlock() }
        return frames
    }

    var error: String? {
        lock.lock()
        defer { lock.unlock() }
        return failed
    }

    /// Waits until `count` frames are in (or `seconds` pass); returns what arrived.
    @discardableResult
    func wait(for count: Int, seconds: Double = 5) -> [(frame: Frame, at: UInt64)] {
        let deadline = Date().addingTimeInterval(seconds)
        while Date() < deadline && received.count < count { Thread.sleep(forTimeInterval: 0.01) }
        return received
    }
}

/// Node b's peer port, faked: accepts one connection from the relay and collects its frames.
final class FakePeer: @unchecked Sendable {
    let port: Int
    private let listener: Int32
    private let lock = NSLock()
    private var connection: Int32?
    private var collector: FrameCollector?

    init() throws {
        (listener, port) = try Sockets.listen()
        Thread { [self] in
            guard let fd = Sockets.accept(listener, timeoutMs: 10_000) else { return }
            lock.lock()
            connection = fd
            collector = FrameCollector(fd: fd)
            lock.unlock()
        }.start()
    }

    deinit {
        lock.lock()
        if let c = connection { shutdown(c, Int32(SHUT_RDWR)); close(c) }
        lock.unlock()
        close(listener)
    }

    func frames(count: Int, seconds: Double = 5) -> [(frame: Frame, at: UInt64)] {
        let deadline = Date().addingTimeInterval(seconds)
        while Date() < deadline {
            lock.lock()
            let c = collector
            lock.unlock()
            if let c { return c.wait(for: count, seconds: max(0, deadline.timeIntervalSinceNow)) }
            Thread.sleep(forTimeInterval: 0.01)
        }
        return []
    }

    /// Sends frames back to the dialer on the accepted connection.
    func send(_ frames: [Frame]) -> Bool {
        let deadline = Date().addingTimeInterval(5)
        while Date() < deadline {
            lock.lock()
            let c = connection
            lock.unlock()
            if let c { return Sockets.writeAll(c, frames.flatMap(FrameCodec.encode)) }
            Thread.sleep(forTimeInterval: 0.01)
        }
        return false
    }
}

/// Node a, faked: dials the relay's port for link a->b, sends frames, collects what comes back.
final class FakeDialer {
    let fd: Int32
    let replies: FrameCollector

    init(port: Int) throws {
        fd = try Sockets.connect(port: port)
        replies = FrameCollector(fd: fd)
    }

    deinit {
        shutdown(fd, Int32(SHUT_RDWR))
        close(fd)
    }

    func send(_ frames: [Frame]) -> Bool { Sockets.writeAll(fd, frames.flatMap(FrameCodec.encode)) }
}

enum Frames {
    static func hello(_ from: String) -> Frame { .handshake(Handshake(sender: NodeID(from), clusterID: "raft")) }
    static func append(_ i: UInt64, from: String = "a", to: String = "b") -> Frame {
        .message(Message(from: NodeID(from), to: NodeID(to), term: Term(1),
                         body: .appendEntries(AppendEntries(prevLogIndex: LogIndex(i), prevLogTerm: Term(1), entries: [], leaderCommit: LogIndex(i)))))
    }
    static func appendResponse(_ i: UInt64, from: String = "b", to: String = "a") -> Frame {
        .message(Message(from: NodeID(from), to: NodeID(to), term: Term(1), body: .appendEntriesResponse(AppendEntriesResponse(success: true, index: LogIndex(i)))))
    }
    /// The prevLogIndex of an append, or nil.
    static func index(_ f: Frame) -> UInt64? {
        if case .message(let m) = f, case .appendEntries(let a) = m.body { return a.prevLogIndex.rawValue }
        return nil
    }
    static func isAppendResponse(_ f: Frame) -> Bool {
        if case .message(let m) = f, case .appendEntriesResponse = m.body { return true }
        return false
    }
}
