// Seeded generators of every frame and message shape, so a failing round trip replays from its seed.
import RaftCore
@testable import PeerWire

// Seeds drive RaftCore's own SplitMix64 (the core's generator), so no second copy lives here.

extension SplitMix64 {
    mutating func bytes(max: Int) -> [UInt8] {
        (0..<Int.random(in: 0...max, using: &self)).map { _ in UInt8.random(in: 0...255, using: &self) }
    }
    mutating func node() -> NodeID {
        // Includes non-ASCII so string encoding is exercised beyond bytes < 0x80.
        let alphabet = Array("abcxyz0123:._-é☃")
        return NodeID(String((0..<Int.random(in: 0...8, using: &self)).map { _ in alphabet.randomElement(using: &self)! }))
    }
    mutating func u64() -> UInt64 { Bool.random(using: &self) ? UInt64.random(in: 0...1000, using: &self) : next() }
    mutating func bool() -> Bool { Bool.random(using: &self) }

    mutating func entry() -> Entry {
        let kind = [EntryKind.normal, .noop, .configuration].randomElement(using: &self)!
        return Entry(term: Term(u64()), index: LogIndex(u64()), kind: kind, data: bytes(max: 40))
    }
    mutating func configuration() -> Configuration {
        var c = Configuration()
        for _ in 0..<Int.random(in: 0...4, using: &self) { c.voters.insert(node()) }
        for _ in 0..<Int.random(in: 0...2, using: &self) { c.learners.insert(node()) }
        for n in c.members where bool() { c.addresses[n] = "127.0.0.1:\(Int.random(in: 1...65535, using: &self))" }
        return c
    }
    mutating func snapshotMetadata() -> SnapshotMetadata {
        SnapshotMetadata(index: LogIndex(u64()), term: Term(u64()), configuration: configuration())
    }

    /// One of each `Message.Body` case, chosen by `tag` (0..<9), with random fields.
    mutating func message(tag: Int) -> Message {
        let body: Message.Body
        switch tag {
        case 0: body = .requestVote(RequestVote(lastLogIndex: LogIndex(u64()), lastLogTerm: Term(u64()), preVote: bool(), leadershipTransfer: bool()))
        case 1: body = .requestVoteResponse(RequestVoteResponse(granted: bool(), preVote: bool()))
        case 2:
            body = .appendEntries(AppendEntries(
                prevLogIndex: LogIndex(u64()), prevLogTerm: Term(u64()),
                entries: (0..<Int.random(in: 0...5, using: &self)).map { _ in entry() },
                leaderCommit: LogIndex(u64()), readContext: u64()))
        case 3:
            body = .appendEntriesResponse(AppendEntriesResponse(success: bool(), index: LogIndex(u64()), conflictIndex: LogIndex(u64()), conflictTerm: Term(u64()), readContext: u64()))
        case 4: body = .installSnapshot(snapshotMetadata())
        case 5: body = .installSnapshotResponse(InstallSnapshotResponse(index: LogIndex(u64()), success: bool()))
        case 6: body = .timeoutNow
        case 7: body = .readIndex(requestID: u64())
        default: body = .readIndexResponse(requestID: u64(), index: LogIndex(u64()), ok: bool())
        }
        return Message(from: node(), to: node(), term: Term(u64()), body: body)
    }

    /// Frame shapes 0...15: 9 message bodies, then handshake, chunk, forward request/response,
    /// their batched forms, and a snapshot resume.
    mutating func frame(shape: Int) -> Frame {
        switch shape {
        case 0..<9: return .message(message(tag: shape))
        case 9: return .handshake(Handshake(sender: node(), clusterID: "cluster-\(u64())", nonce: bytes(max: 32), mac: bytes(max: 32)))
        case 10:
            return .snapshotChunk(SnapshotChunk(snapshotIndex: LogIndex(u64()), snapshotTerm: Term(u64()), offset: u64(),
                                                totalSize: bool() ? u64() : nil, last: bool(), bytes: bytes(max: 300)))
        case 11: return .forwardRequest(forwardRequest())
        case 12: return .forwardResponse(ForwardResponse(requestID: u64(), reply: bytes(max: 50)))
        case 13: return .forwardRequests((0..<Int.random(in: 0...5, using: &self)).map { _ in forwardRequest() })
        case 15: return .snapshotResume(SnapshotResume(snapshotIndex: LogIndex(u64()), snapshotTerm: Term(u64()), offset: u64()))
        default:
            return .forwardResponses((0..<Int.random(in: 0...5, using: &self)).map { _ in
                ForwardResponse(requestID: u64(), reply: bytes(max: 50))
            })
        }
    }

    mutating func forwardRequest() -> ForwardRequest {
        ForwardRequest(requestID: u64(), kind: bool() ? .read : .write,
                       args: (0..<Int.random(in: 0...4, using: &self)).map { _ in bytes(max: 20) })
    }
    static let frameShapes = 16
}
