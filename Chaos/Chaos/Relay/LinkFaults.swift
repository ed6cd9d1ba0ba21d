/// The faults in force on one directed link. All off is a healthy link. Probabilities are 0...1;
/// times are milliseconds. Set through `Relay.setFaults(_:on:)` at any moment.
public struct LinkFaults: Sendable, Hashable, Codable, CustomStringConvertible {
    public enum Blackhole: String, Sendable, Hashable, Codable {
        /// Accept connections and discard every frame: a partition that TCP does not notice.
        case discard
        /// Close every new connection at once and reset the existing ones: a refused port.
        case refuse
    }

    public var blackhole: Blackhole?
    /// Hold every frame back until this is cleared, then deliver them all in order (a stall).
    public var hold = false
    public var drop = 0.0
    public var duplicate = 0.0
    /// Share of frames given an extra random delay so that later frames overtake them.
    public var reorder = 0.0
    /// Flip a byte inside a frame: the one fault allowed to break framing.
    public var corrupt = 0.0
    public var delayMs = 0
    public var jitterMs = 0
    /// When set, drop/duplicate/reorder/corrupt/delay touch only these frame types; otherwise
    /// they touch Raft messages only (see `FrameType.isRaftMessage`).
    public var types: Set<FrameType>?

    public init(blackhole: Blackhole? = nil, hold: Bool = false, drop: Double = 0, duplicate: Double = 0,
                reorder: Double = 0, corrupt: Double = 0, delayMs: Int = 0, jitterMs: Int = 0, types: Set<FrameType>? = nil) {
        self.blackhole = blackhole
        self.hold = hold
        self.drop = drop
        self.duplicate = duplicate
        self.reorder = reorder
        self.corrupt = corrupt
        self.delayMs = delayMs
        self.jitterMs = jitterMs
        self.types = types
    }

    public static let healthy = LinkFaults()
    public var isHealthy: Bool { self == .healthy }

    func applies(to type: FrameType) -> Bool {
        if let types { return types.contains(type) }
        return type.isRaftMessage
    }

    public var description: String {
        var parts: [String] = []
        if let blackhole { parts.append("blackhole(\(blackhole.rawValue))") }
        if hold { parts.append("hold") }
        if drop > 0 { parts.append("drop \(Int(drop * 100))%") }
        if duplicate > 0 { parts.append("duplicate \(Int(duplicate * 100))%") }
        if reorder > 0 { parts.append("reorder \(Int(reorder * 100))%") }
        if corrupt > 0 { parts.append("corrupt \(Int(corrupt * 100))%") }
        if delayMs > 0 || jitterMs > 0 { parts.append("delay \(delayMs)ms±\(jitterMs)ms") }
        if let types { parts.append("of " + types.map(\.rawValue).sorted().joined(separator: ",")) }
        return parts.isEmpty ? "healthy" : parts.joined(separator: " ")
    }
}

/// What the relay did on one directed link, for the report and the tests.
public struct LinkCounters: Sendable, Hashable, Codable {
    public var connections = 0
    public var refused = 0
    public var forwarded = 0
    public var dropped = 0
    public var delayed = 0
    public var duplicated = 0
    public var reordered = 0
    public var held = 0
    public var corrupted = 0
    public var bytes = 0
    /// Forwarded frames by type name.
    public var byType: [String: Int] = [:]
    public init() {}
}
