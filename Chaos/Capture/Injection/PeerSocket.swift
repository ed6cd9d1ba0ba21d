// The few blocking TCP calls the injector needs, on loopback only: listen, accept, connect,
// write all, read what is there. Plain sockets, so Capture needs no event loop library.
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

struct PeerSocket {
    let fd: Int32

    enum Failure: Error, CustomStringConvertible {
        case system(String, Int32)
        var description: String {
            switch self {
            case .system(let what, let e): return "\(what): \(String(cString: strerror(e)))"
            }
        }
    }

    private static func address(port: Int) -> sockaddr_in {
        var a = sockaddr_in()
        a.sin_family = sa_family_t(AF_INET)
        a.sin_port = in_port_t(UInt16(port).bigEndian)
        a.sin_addr.s_addr = UInt32(0x7F00_0001).bigEndian
        return a
    }

    /// Listens on 127.0.0.1:port (0: a port the kernel picks).
    static func listen(port: Int) throws(Failure) -> (PeerSocket, Int) {
        let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        guard fd >= 0 else { throw .system("socket", errno) }
        var one: Int32 = 1
        setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, socklen_t(MemoryLayout<Int32>.size))
        var a = address(port: port)
        let bound = withUnsafePointer(to: &a) { $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) } }
        guard bound == 0 else { let e = errno; _ = Glibc.close(fd); throw .system("bind 127.0.0.1:\(port)", e) }
        guard Glibc.listen(fd, 16) == 0 else { let e = errno; _ = Glibc.close(fd); throw .system("listen", e) }
        var actual = sockaddr_in()
        var length = socklen_t(MemoryLayout<sockaddr_in>.size)
        _ = withUnsafeMutablePointer(to: &actual) { $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { getsockname(fd, $0, &length) } }
        return (PeerSocket(fd: fd), Int(UInt16(bigEndian: actual.sin_port)))
    }

    static func connect(port: Int) throws(Failure) -> PeerSocket {
        let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        guard fd >= 0 else { throw .system("socket", errno) }
        var a = address(port: port)
        let r = withUnsafePointer(to: &a) { $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { Glibc.connect(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) } }
        guard r == 0 else { let e = errno; _ = Glibc.close(fd); throw .system("connect 127.0.0.1:\(port)", e) }
        return PeerSocket(fd: fd)
    }

    /// Waits up to `milliseconds` for the socket to be readable (or a connection to accept).
    func readable(milliseconds: Int32) -> Bool {
        var p = pollfd(fd: fd, events: Int16(POLLIN), revents: 0)
        return poll(&p, 1, milliseconds) > 0
    }

    func accept() -> PeerSocket? {
        let c = Glibc.accept(fd, nil, nil)
        return c >= 0 ? PeerSocket(fd: c) : nil
    }

    func write(_ bytes: [UInt8]) throws(Failure) {
        var sent = 0
        while sent < bytes.count {
            let n = bytes.withUnsafeBytes { send(fd, $0.baseAddress! + sent, bytes.count - sent, Int32(MSG_NOSIGNAL)) }
            guard n > 0 else { throw .system("send", errno) }
            sent += n
        }
    }

    /// What is there to read now (empty at end of stream or on error).
    func read() -> [UInt8] {
        var buffer = [UInt8](repeating: 0, count: 65536)
        let n = buffer.withUnsafeMutableBytes { recv(fd, $0.baseAddress!, 65536, 0) }
        return n > 0 ? Array(buffer.prefix(n)) : []
    }

    func close() { _ = Glibc.close(fd) }
}
