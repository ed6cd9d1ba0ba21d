import Foundation
import RESP

#if canImport(Glibc)
import Glibc
#endif

/// A blocking RESP client connection in which every wait is bounded: connecting and each request
/// have their own deadline, so a client never hangs on a paused, partitioned or dead node.
/// One thread uses a connection at a time. After any failure the connection is unusable (a late
/// reply would be taken for the next request's): close it and open a new one.
final class RESPConnection {
    enum Failure: Error, CustomStringConvertible {
        /// Nothing was sent: the request certainly had no effect.
        case connect(String)
        /// The request may have reached the node.
        case timeout(Double)
        case closed
        case io(String)
        case protocolError(String)

        var description: String {
            switch self {
            case .connect(let why): return "cannot connect: \(why)"
            case .timeout(let s): return "timeout after \(s) s"
            case .closed: return "connection closed by the node"
            case .io(let why): return "connection lost: \(why)"
            case .protocolError(let why): return "unreadable reply: \(why)"
            }
        }
    }

    private var fd: Int32
    private var decoder = RESPReplyDecoder()
    private var readBuffer = [UInt8](repeating: 0, count: 64 * 1024)

    /// Connects to `host:port` (an IPv4 address or `localhost`) within `timeout` seconds.
    init(host: String, port: Int, timeout: Double) throws(Failure) {
        var addr = sockaddr_in()
        addr.sin_family = sa_family_t(AF_INET)
        addr.sin_port = in_port_t(UInt16(truncatingIfNeeded: port).bigEndian)
        let numeric = host == "localhost" ? "127.0.0.1" : host
        guard (1...65535).contains(port), inet_pton(AF_INET, numeric, &addr.sin_addr) == 1 else {
            throw .connect("'\(host):\(port)' is not an IPv4 address and port")
        }
        fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        guard fd >= 0 else { throw .connect("socket(): \(String(cString: strerror(errno)))") }
        var one: Int32 = 1
        setsockopt(fd, Int32(IPPROTO_TCP), TCP_NODELAY, &one, socklen_t(MemoryLayout<Int32>.size))
        let flags = fcntl(fd, F_GETFL)
        _ = fcntl(fd, F_SETFL, flags | O_NONBLOCK)
        let rc = withUnsafePointer(to: &addr) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { Glibc.connect(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) }
        }
        if rc != 0 {
            guard errno == EINPROGRESS else {
                let why = String(cString: strerror(errno))
                close()  // and forget it: deinit runs after a throwing init and must not close a reused number
                throw .connect(why)
            }
            guard Self.wait(fd, events: Int16(POLLOUT), until: Self.deadline(after: timeout)) else {
                close()  // and forget it: deinit runs after a throwing init and must not close a reused number
                throw .connect("no answer within \(timeout) s")
            }
            var error: Int32 = 0
            var length = socklen_t(MemoryLayout<Int32>.size)
            getsockopt(fd, SOL_SOCKET, SO_ERROR, &error, &length)
            if error != 0 {
                close()  // and forget it: deinit runs after a throwing init and must not close a reused number
                throw .connect(String(cString: strerror(error)))
            }
        }
    }

    deinit { close() }

    func close() {
        if fd >= 0 { Glibc.close(fd) }
        fd = -1
    }

    /// Sends one request and waits for its reply, all within `timeout` seconds. An error reply is
    /// a reply (`.error`), not a thrown failure.
    func call(_ arguments: [[UInt8]], timeout: Double) throws(Failure) -> RESPValue {
        guard fd >= 0 else { throw .closed }
        let deadline = Self.deadline(after: timeout)
        let request = RESPEncoder.encode(.command(arguments), version: .resp2)
        var sent = 0
        while sent < request.count {
            let n = request[sent...].withUnsafeBytes { Glibc.send(fd, $0.baseAddress, $0.count, Int32(MSG_NOSIGNAL)) }
            if n > 0 {
                sent += n
            } else if n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK) {
                guard Self.wait(fd, events: Int16(POLLOUT), until: deadline) else { throw .timeout(timeout) }
            } else if n < 0 && errno == EINTR {
                continue
            } else {
                throw .io(String(cString: strerror(errno)))
            }
        }
        while true {
            do {
                if let reply = try decoder.next() { return reply }
            } catch {
                throw .protocolError(error.message)
            }
            let n = readBuffer.withUnsafeMutableBytes { Glibc.recv(fd, $0.baseAddress, $0.count, 0) }
            if n > 0 {
                decoder.append(readBuffer[0..<n])
            } else if n == 0 {
                throw .closed
            } else if errno == EAGAIN || errno == EWOULDBLOCK {
                guard Self.wait(fd, events: Int16(POLLIN), until: deadline) else { throw .timeout(timeout) }
            } else if errno != EINTR {
                throw .io(String(cString: strerror(errno)))
            }
        }
    }

    /// Text arguments, for convenience.
    func call(_ arguments: [String], timeout: Double) throws(Failure) -> RESPValue {
        try call(arguments.map { Array($0.utf8) }, timeout: timeout)
    }

    private static func deadline(after seconds: Double) -> UInt64 {
        MonotonicClock.now() + UInt64(max(0, seconds) * 1e9)
    }

    /// Polls until `events` or the deadline; false on timeout.
    private static func wait(_ fd: Int32, events: Int16, until deadline: UInt64) -> Bool {
        while true {
            let now = MonotonicClock.now()
            guard now < deadline else { return false }
            var p = pollfd(fd: fd, events: events, revents: 0)
            let ms = Int32(min(UInt64(Int32.max), (deadline - now + 999_999) / 1_000_000))
            let rc = poll(&p, 1, ms)
            if rc > 0 { return true }
            if rc < 0 && errno != EINTR { return true }  // let the next send/recv report the error
        }
    }
}
