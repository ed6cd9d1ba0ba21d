/// Where a workload client connects: one node's client port.
public struct ClientEndpoint: Sendable, Hashable, Codable {
    /// The node's id as the run names it (n1, n2, ...): recorded with every operation.
    public var node: String
    public var host: String
    public var port: Int

    public init(node: String, host: String, port: Int) {
        self.node = node
        self.host = host
        self.port = port
    }
}
