/// `verdict.json`'s `peerTraffic`: what the run's capture of the peer traffic (peers.pcap)
/// showed once decoded and audited against Raft's safety properties (docs/CAPTURE.md). A failed
/// audit fails the run (exit 1) with the frames named; the report shows each violation.
public struct PeerTrafficAudit: Codable, Sendable, Hashable {
    /// One frame a violation names: packet number (as tcpdump and Wireshark count), seconds from
    /// the capture's first packet, the link it crossed, its term, and its timeline line.
    public struct Frame: Codable, Sendable, Hashable {
        public var packet: Int
        public var seconds: String
        public var from: String
        public var to: String
        public var term: UInt64
        public var line: String

        public init(packet: Int, seconds: String, from: String, to: String, term: UInt64, line: String) {
            self.packet = packet
            self.seconds = seconds
            self.from = from
            self.to = to
            self.term = term
            self.line = line
        }
    }

    public struct Violation: Codable, Sendable, Hashable {
        /// `two leaders in one term`, `a vote granted twice in one term`, ...
        public var property: String
        public var term: UInt64
        public var detail: String
        public var frames: [Frame]

        public init(property: String, term: UInt64, detail: String, frames: [Frame]) {
            self.property = property
            self.term = term
            self.detail = detail
            self.frames = frames
        }

        /// `a vote granted twice in one term: node n2 ... [packet #80 at 3.021212s, ...]`.
        public var description: String {
            "\(property): \(detail) [" + frames.map { "packet #\($0.packet) at \($0.seconds)s" }.joined(separator: ", ") + "]"
        }
    }

    /// The capture file, relative to the run directory.
    public var file: String
    public var packets: Int
    public var droppedByKernel: Int
    public var frames: Int
    public var messages: Int
    /// Stretches of undecodable or missing bytes (not the normal edges of a capture).
    public var damaged: Int
    /// Campaigns (a candidate asking for votes in a term, once per candidate and term), distinct
    /// terms seen, terms with a leader.
    public var elections: Int
    public var terms: Int
    public var termsWithLeader: Int
    public var passed: Bool
    public var violations: [Violation]

    public init(file: String, packets: Int, droppedByKernel: Int, frames: Int, messages: Int, damaged: Int,
                elections: Int, terms: Int, termsWithLeader: Int, violations: [Violation]) {
        self.file = file
        self.packets = packets
        self.droppedByKernel = droppedByKernel
        self.frames = frames
        self.messages = messages
        self.damaged = damaged
        self.elections = elections
        self.terms = terms
        self.termsWithLeader = termsWithLeader
        self.passed = violations.isEmpty
        self.violations = violations
    }

    /// One line: `passed: 812 frames audited (790 Raft messages), 3 elections, 3 terms` or
    /// `FAILED: 2 violation(s) in 812 frames: ...`.
    public var headline: String {
        if passed {
            return "passed: \(frames) frames audited (\(messages) Raft messages), \(elections) elections, \(terms) terms"
        }
        return "FAILED: \(violations.count) violation(s) in \(frames) frames: " + violations.prefix(3).map(\.description).joined(separator: "; ")
            + (violations.count > 3 ? "; and \(violations.count - 3) more" : "")
    }
}
