import Foundation
import RESP

#if canImport(Glibc)
import Glibc
#endif

/// A tiny blocking RESP client for tests: every call is bounded by a receive timeout.
final class TestClient {
    let fd: Int32
    var buffer: [UInt8] = []
    var parser = RESPReplyParser()

    struct Failure: Error, CustomStringConvertible { var description: String }

    init(port: Int, timeoutSeconds: Int = 5) throws {
        fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        guard fd >= 0 else { throw Failure(description: "socket() failed") }
        var tv = timeval(tv_sec: timeoutSeconds, tv_usec: 0)
        setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, socklen_t(MemoryLayout<timeval>.size))
        setsockopt(fd, SOL_SOCKET, SO_SNDTIMEO, &tv, socklen_t(MemoryLayout<timeval>.size))
        var addr = sockaddr_in()
        addr.sin_family = sa_family_t(AF_INET)
        addr.sin_port = in_port_t(UInt16(port).bigEndian)
        addr.sin_addr.s_addr = inet_addr("127.0.0.1")
        let rc = withUnsafePointer(to: &addr) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { connect(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) }
        }
        guard rc == 0 else {
            // Not closed here: deinit runs after a throwing init and closes it. Closing it twice
            // closed whatever socket a concurrent test had been given the same number meanwhile.
            throw Failure(description: "cannot connect to 127.0.0.1:\(port)")
        }
    }

    deinit { close(fd) }

    func sendRaw(_ bytes: [UInt8]) throws {
        var sent = 0
        while sent < bytes.count {
            let n = bytes[sent...].withUnsafeBytes { Glibc.send(fd, $0.baseAddress, $0.count, Int32(MSG_NOSIGNAL)) }
            guard n > 0 else { throw Failure(description: "send failed") }
            sent += n
        }
    }

    static func encode(_ args: [String]) -> [UInt8] {
        var out = Array("*\(args.count)\r\n".utf8)
        for a in args {
            let b = Array(a.utf8)
            out += Array("$\(b.count)\r\n".utf8) + b + [13, 10]
        }
        return out
    }

    /// Reads one reply; nil when the server closed the connection first.
    func readReply() throws -> RESPValue? {
        while true {
            if !buffer.isEmpty {
                let parsed = try buffer.withUnsafeBytes { raw in try parser.parse(raw) }
                if let (value, consumed) = parsed {
                    buffer.removeFirst(consumed)
                    return value
                }
            }
            var chunk = [UInt8](repeating: 0, count: 65536)
            let n = chunk.withUnsafeMutableBytes { recv(fd, $0.baseAddress, $0.count, 0) }
            if n == 0 { return nil }
            guard n > 0 else { throw Failure(description: "no reply within the timeout") }
            buffer += chunk[0..<n]
        }
    }

    func call(_ args: String...) throws -> RESPValue {
        try call(args)
    }

    func call(_ args: [String]) throws -> RESPValue {
        try sendRaw(Self.encode(args))
        guard let v = try readReply() else { throw Failure(description: "connection closed") }
        return v
    }
}

extension RESPValue {
    var text: String? { stringValue }
    var isError: Bool { if case .error = self { true } else { false } }
}
