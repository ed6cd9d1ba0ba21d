/// An `IP:PORT` pair as given on the command line. Only numeric IPv4 (or `localhost`) is
/// accepted, so a typo is an error at start rather than a node that never connects.
public struct NodeAddress: Hashable, Sendable, CustomStringConvertible {
    public var host: String
    public var port: Int

    public init(host: String, port: Int) {
        self.host = host
        self.port = port
    }

    public var description: String { "\(host):\(port)" }

    /// The peer port is the client port plus one (pyraft's convention).
    public var peerAddress: NodeAddress { NodeAddress(host: host, port: port + 1) }

    public init(parsing text: String) throws(NodeOptionError) {
        guard let colon = text.lastIndex(of: ":") else {
            throw NodeOptionError("'\(text)' is not IP:PORT (missing ':')")
        }
        let host = String(text[..<colon])
        let portText = String(text[text.index(after: colon)...])
        guard let port = Int(portText), (1...65534).contains(port) else {
            throw NodeOptionError("'\(text)': port must be a number from 1 to 65534 (the peer port is PORT+1)")
        }
        guard host == "localhost" || Self.isIPv4(host) else {
            throw NodeOptionError("'\(text)': '\(host)' is not an IPv4 address")
        }
        self.host = host == "localhost" ? "127.0.0.1" : host
        self.port = port
    }

    static func isIPv4(_ s: String) -> Bool {
        let parts = s.split(separator: ".", omittingEmptySubsequences: false)
        return parts.count == 4 && parts.allSatisfy { p in
            !p.isEmpty && p.count <= 3 && p.allSatisfy(\.isASCII) && p.allSatisfy(\.isNumber) && Int(p)! <= 255
        }
    }
}

/// A bad option value, with a message meant for a human.
public struct NodeOptionError: Error, CustomStringConvertible, Sendable {
    public var description: String
    public init(_ description: String) { self.description = description }
}
