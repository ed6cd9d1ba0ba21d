import Foundation

/// One node of a chaos cluster: its id and the two ports it listens on (clients on P, peers on
/// P+1, as the node always does).
public struct NodeSpec: Sendable, Hashable, Codable {
    public var id: String
    public var clientPort: Int
    public var peerPort: Int { clientPort + 1 }

    public init(id: String, clientPort: Int) {
        self.id = id
        self.clientPort = clientPort
    }

    /// `n1`...`nN` on client ports that are free now with their peer port beside them.
    /// Ports come from 12000-19999: below Linux's ephemeral range (so no client socket takes
    /// one meanwhile) and away from the 20000-31999 blocks the RaftServer tests use.
    public static func allocate(count: Int) throws -> [NodeSpec] {
        allocationLock.lock()
        defer { allocationLock.unlock() }
        var specs: [NodeSpec] = []
        let span = 4000
        let first = Int(UInt32(truncatingIfNeeded: getpid()) &* 2654435761 % UInt32(span))
        for step in 0..<span where specs.count < count {
            let port = 12000 + 2 * ((first + step + allocationCursor) % span)
            if taken.contains(port) { continue }
            if Sockets.isFree(port) && Sockets.isFree(port + 1) {
                taken.insert(port)
                specs.append(NodeSpec(id: "n\(specs.count + 1)", clientPort: port))
            }
        }
        allocationCursor += count
        guard specs.count == count else {
            throw ClusterError("could not find \(count) free port pairs on 127.0.0.1 between 12000 and 19999")
        }
        return specs
    }

    nonisolated(unsafe) private static var taken: Set<Int> = []
    nonisolated(unsafe) private static var allocationCursor = 0
    private static let allocationLock = NSLock()
}

public struct ClusterError: Error, CustomStringConvertible {
    public var description: String
    public init(_ description: String) { self.description = description }
}
