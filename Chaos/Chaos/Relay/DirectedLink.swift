import PeerWire
import RaftCore

/// One direction between two nodes: frames that `from` sends to `to`. The relay keeps a listener
/// per directed link, and faults are set per directed link, so one-way cuts are possible.
public struct DirectedLink: Hashable, Sendable, Codable, CustomStringConvertible {
    public var from: String
    public var to: String
    public init(from: String, to: String) {
        self.from = from
        self.to = to
    }
    public var reversed: DirectedLink { DirectedLink(from: to, to: from) }
    public var description: String { "\(from)->\(to)" }
}

/// What a frame carries, as a fault filter sees it: the Raft message kinds by name, and the
/// other frame types. Names are the ones scenario files use.
public enum FrameType: String, CaseIterable, Sendable, Codable {
    case handshake
    case vote = "vote"
    case voteResponse = "vote-response"
    case append = "append"
    case appendResponse = "append-response"
    case snapshot = "snapshot"
    case snapshotResponse = "snapshot-response"
    case timeoutNow = "timeout-now"
    case readIndex = "read-index"
    case readIndexResponse = "read-index-response"
    case snapshotChunk = "snapshot-chunk"
    case snapshotResume = "snapshot-resume"
    case forward = "forward"
    /// Bytes the relay could not frame (passed through untouched).
    case unframed = "unframed"

    init(_ frame: Frame) {
        switch frame {
        case .handshake: self = .handshake
        case .snapshotChunk: self = .snapshotChunk
        case .snapshotResume: self = .snapshotResume
        case .forwardRequest, .forwardResponse, .forwardRequests, .forwardResponses: self = .forward
        case .message(let m):
            switch m.body {
            case .requestVote: self = .vote
            case .requestVoteResponse: self = .voteResponse
            case .appendEntries: self = .append
            case .appendEntriesResponse: self = .appendResponse
            case .installSnapshot: self = .snapshot
            case .installSnapshotResponse: self = .snapshotResponse
            case .timeoutNow: self = .timeoutNow
            case .readIndex: self = .readIndex
            case .readIndexResponse: self = .readIndexResponse
            }
        }
    }

    /// Raft messages: the frames that loss, duplication and reordering may touch by default.
    /// The rest (handshakes, snapshot chunks, forwarded client commands) rely on TCP's
    /// exactly-once, in-order delivery, which no real network breaks inside one connection:
    /// duplicating a forwarded SET would be a fault of the harness, not a bug of the node.
    public var isRaftMessage: Bool {
        switch self {
        case .handshake, .snapshotChunk, .forward, .unframed: false
        default: true
        }
    }
}
