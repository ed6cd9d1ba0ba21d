// Which ports a chaos run's relay listens on, one per directed link (docs/CAPTURE.md gives the
// JSON). A node reaches peer b by dialing the relay's port for its link to b, so a message
// crosses the wire twice: sender → relay port, then relay → b's peer port.
import Foundation

public struct RelayMap: Sendable, Equatable {
    public struct Link: Sendable, Equatable {
        public var from: String
        public var to: String
        public var port: Int
        public init(from: String, to: String, port: Int) {
            self.from = from
            self.to = to
            self.port = port
        }
    }

    public var links: [Link]

    public init(links: [Link]) { self.links = links }

    public var ports: Set<UInt16> { Set(links.map { UInt16($0.port) }) }

    /// Reads `{"links": [{"from": "1", "to": "2", "port": 40001}, ...]}`, at the top level or
    /// under a "relay" key, or a chaos run's run.json, whose "relayPorts" has the same elements.
    public init(json data: Data) throws(CaptureError) {
        guard let top = try? JSONSerialization.jsonObject(with: data) as? [String: Any] else {
            throw .invalidRelayMap("not a JSON object")
        }
        let holder = (top["relay"] as? [String: Any]) ?? top
        guard let list = (holder["links"] ?? top["relayPorts"]) as? [[String: Any]] else {
            throw .invalidRelayMap("no \"links\" array (at the top level or under \"relay\") and no \"relayPorts\" (run.json)")
        }
        var links: [Link] = []
        for (i, item) in list.enumerated() {
            guard let from = item["from"] as? String, let to = item["to"] as? String,
                  let port = item["port"] as? Int, (1...65535).contains(port) else {
                throw .invalidRelayMap("link \(i) needs \"from\" and \"to\" strings and a \"port\" from 1 to 65535")
            }
            links.append(Link(from: from, to: to, port: port))
        }
        self.links = links
    }

    public init(path: String) throws(CaptureError) {
        guard let data = FileManager.default.contents(atPath: path) else {
            throw .unreadableFile(path: path, reason: "no such file or unreadable")
        }
        try self.init(json: data)
    }
}
