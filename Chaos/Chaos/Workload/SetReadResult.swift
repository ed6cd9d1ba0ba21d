/// The set workload's final judgement: after recovery every acknowledged add must be in the list
/// it was added to, read through every node, and nothing may appear that was never added.
public struct SetReadResult: Sendable, Hashable, Codable {
    /// An acknowledged add missing from what a node returned.
    public struct LostWrite: Sendable, Hashable, Codable, CustomStringConvertible {
        public var key: String
        public var element: Int64
        /// The nodes whose read lacked it.
        public var missingOn: [String]
        public var description: String { "\(key) \(element) (acknowledged, missing on \(missingOn.joined(separator: ", ")))" }
    }

    public var keys: [String]
    /// Adds acknowledged (ok) during the run, over all keys.
    public var acknowledged: Int
    /// Adds sent, acknowledged or not.
    public var attempted: Int
    public var lost: [LostWrite]
    /// "key element on node": read, but never sent by any client.
    public var unexpected: [String]
    /// "key element on node": present more than once (an add applied twice).
    public var duplicated: [String]
    /// "node: why": nodes whose lists could not be read in the time allowed.
    public var unreadable: [String]
    /// Elements each node returned, over all keys.
    public var elementsRead: [String: Int]

    /// No lost, invented or duplicated element, and every node was read.
    public var isValid: Bool { lost.isEmpty && unexpected.isEmpty && duplicated.isEmpty && unreadable.isEmpty }

    /// One line for people.
    public var summary: String {
        if isValid { return "set workload: all \(acknowledged) acknowledged adds present on every node (\(attempted) sent)" }
        var parts: [String] = []
        if !lost.isEmpty { parts.append("\(lost.count) acknowledged add\(lost.count == 1 ? "" : "s") lost") }
        if !unexpected.isEmpty { parts.append("\(unexpected.count) element\(unexpected.count == 1 ? "" : "s") never added") }
        if !duplicated.isEmpty { parts.append("\(duplicated.count) duplicated") }
        if !unreadable.isEmpty { parts.append("unreadable: " + unreadable.joined(separator: "; ")) }
        return "set workload: " + parts.joined(separator: ", ")
    }
}
