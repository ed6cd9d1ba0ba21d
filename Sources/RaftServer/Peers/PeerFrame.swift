import RaftCore

/// What travels on the peer port (P+1). Each frame on the wire is `u32 length, u8 kind, body`.
/// This is the node's own interim encoding; the project's documented codec is PeerWire.
enum PeerFrame: Sendable {
    /// First frame on every connection: who is dialing.
    case hello(from: NodeID, clusterVersion: UInt8)
    case raft(Message)
    /// A follower hands a client command to the leader (§8 of the paper: clients talk to the
    /// leader; a follower relays rather than redirects, so any Redis client works).
    case forwardRequest(id: UInt64, from: NodeID, arguments: [[UInt8]])
    /// The leader's answer, the reply encoded as RESP3 bytes.
    case forwardResponse(id: UInt64, reply: [UInt8])
    /// A snapshot's bytes, sent just before the InstallSnapshot message that refers to it (§7).
    case snapshotData(index: UInt64, term: UInt64, data: [UInt8])

    static let maxFrameLength = 64 << 20

    func encoded() -> [UInt8] {
        var w = ByteWriter()
        w.u32(0)
        switch self {
        case .hello(let from, let v):
            w.u8(1); w.string(from.rawValue); w.u8(v)
        case .raft(let m):
            w.u8(2); PeerMessageCoding.encode(m, into: &w)
        case .forwardRequest(let id, let from, let args):
            w.u8(3); w.u64(id); w.string(from.rawValue); w.u32(UInt32(args.count))
            for a in args { w.blob(a) }
        case .forwardResponse(let id, let reply):
            w.u8(4); w.u64(id); w.blob(reply)
        case .snapshotData(let index, let term, let data):
            w.u8(5); w.u64(index); w.u64(term); w.blob(data)
        }
        let n = UInt32(w.bytes.count - 4)
        w.bytes[0] = UInt8(n >> 24); w.bytes[1] = UInt8(truncatingIfNeeded: n >> 16)
        w.bytes[2] = UInt8(truncatingIfNeeded: n >> 8); w.bytes[3] = UInt8(truncatingIfNeeded: n)
        return w.bytes
    }

    /// Decodes one frame body (the bytes after the length).
    static func decode(_ body: [UInt8]) throws -> PeerFrame {
        var r = ByteReader(body)
        let frame: PeerFrame
        switch try r.u8() {
        case 1: frame = .hello(from: NodeID(try r.string()), clusterVersion: try r.u8())
        case 2: frame = .raft(try PeerMessageCoding.decode(&r))
        case 3:
            let id = try r.u64()
            let from = NodeID(try r.string())
            let n = Int(try r.u32())
            guard n <= 1 << 20 else { throw PeerFrameError("too many arguments") }
            var args: [[UInt8]] = []
            for _ in 0..<n { args.append(try r.blob()) }
            frame = .forwardRequest(id: id, from: from, arguments: args)
        case 4: frame = .forwardResponse(id: try r.u64(), reply: try r.blob())
        case 5: frame = .snapshotData(index: try r.u64(), term: try r.u64(), data: try r.blob())
        case let k: throw PeerFrameError("unknown frame kind \(k)")
        }
        guard r.isAtEnd else { throw PeerFrameError("trailing bytes in frame") }
        return frame
    }
}

enum PeerMessageCoding {
    static func encode(_ m: Message, into w: inout ByteWriter) {
        w.string(m.from.rawValue); w.string(m.to.rawValue); w.u64(m.term.rawValue)
        switch m.body {
        case .requestVote(let v):
            w.u8(1); w.u64(v.lastLogIndex.rawValue); w.u64(v.lastLogTerm.rawValue); w.bool(v.preVote); w.bool(v.leadershipTransfer)
        case .requestVoteResponse(let v):
            w.u8(2); w.bool(v.granted); w.bool(v.preVote)
        case .appendEntries(let a):
            w.u8(3); w.u64(a.prevLogIndex.rawValue); w.u64(a.prevLogTerm.rawValue); w.u64(a.leaderCommit.rawValue); w.u64(a.readContext)
            w.u32(UInt32(a.entries.count))
            for e in a.entries { w.u64(e.term.rawValue); w.u64(e.index.rawValue); w.u8(e.kind.rawValue); w.blob(e.data) }
        case .appendEntriesResponse(let a):
            w.u8(4); w.bool(a.success); w.u64(a.index.rawValue); w.u64(a.conflictIndex.rawValue); w.u64(a.conflictTerm.rawValue); w.u64(a.readContext)
        case .installSnapshot(let s):
            w.u8(5); encode(s, into: &w)
        case .installSnapshotResponse(let r):
            w.u8(6); w.u64(r.index.rawValue); w.bool(r.success)
        case .timeoutNow:
            w.u8(7)
        case .readIndex(let id):
            w.u8(8); w.u64(id)
        case .readIndexResponse(let id, let index, let ok):
            w.u8(9); w.u64(id); w.u64(index.rawValue); w.bool(ok)
        }
    }

    static func encode(_ s: SnapshotMetadata, into w: inout ByteWriter) {
        w.u64(s.index.rawValue); w.u64(s.term.rawValue)
        let c = s.configuration
        w.u32(UInt32(c.voters.count)); for v in c.voters.sorted() { w.string(v.rawValue) }
        w.u32(UInt32(c.learners.count)); for v in c.learners.sorted() { w.string(v.rawValue) }
        w.u32(UInt32(c.addresses.count)); for (k, v) in c.addresses.sorted(by: { $0.key < $1.key }) { w.string(k.rawValue); w.string(v) }
    }

    static func decodeSnapshot(_ r: inout ByteReader) throws -> SnapshotMetadata {
        let index = LogIndex(try r.u64()), term = Term(try r.u64())
        var c = Configuration()
        for _ in 0..<min(Int(try r.u32()), 1 << 16) { c.voters.insert(NodeID(try r.string())) }
        for _ in 0..<min(Int(try r.u32()), 1 << 16) { c.learners.insert(NodeID(try r.string())) }
        for _ in 0..<min(Int(try r.u32()), 1 << 16) { c.addresses[NodeID(try r.string())] = try r.string() }
        return SnapshotMetadata(index: index, term: term, configuration: c)
    }

    static func decode(_ r: inout ByteReader) throws -> Message {
        let from = NodeID(try r.string()), to = NodeID(try r.string()), term = Term(try r.u64())
        let body: Message.Body
        switch try r.u8() {
        case 1:
            body = .requestVote(RequestVote(lastLogIndex: LogIndex(try r.u64()), lastLogTerm: Term(try r.u64()), preVote: try r.bool(), leadershipTransfer: try r.bool()))
        case 2:
            body = .requestVoteResponse(RequestVoteResponse(granted: try r.bool(), preVote: try r.bool()))
        case 3:
            let prevIndex = LogIndex(try r.u64()), prevTerm = Term(try r.u64()), commit = LogIndex(try r.u64()), ctx = try r.u64()
            let n = Int(try r.u32())
            guard n <= 1 << 20 else { throw PeerFrameError("too many entries") }
            var entries: [Entry] = []
            entries.reserveCapacity(n)
            for _ in 0..<n {
                let t = Term(try r.u64()), i = LogIndex(try r.u64())
                guard let kind = EntryKind(rawValue: try r.u8()) else { throw PeerFrameError("bad entry kind") }
                entries.append(Entry(term: t, index: i, kind: kind, data: try r.blob()))
            }
            body = .appendEntries(AppendEntries(prevLogIndex: prevIndex, prevLogTerm: prevTerm, entries: entries, leaderCommit: commit, readContext: ctx))
        case 4:
            body = .appendEntriesResponse(AppendEntriesResponse(success: try r.bool(), index: LogIndex(try r.u64()), conflictIndex: LogIndex(try r.u64()), conflictTerm: Term(try r.u64()), readContext: try r.u64()))
        case 5: body = .installSnapshot(try decodeSnapshot(&r))
        case 6: body = .installSnapshotResponse(InstallSnapshotResponse(index: LogIndex(try r.u64()), success: try r.bool()))
        case 7: body = .timeoutNow
        case 8: body = .readIndex(requestID: try r.u64())
        case 9: body = .readIndexResponse(requestID: try r.u64(), index: LogIndex(try r.u64()), ok: try r.bool())
        case let k: throw PeerFrameError("unknown message kind \(k)")
        }
        return Message(from: from, to: to, term: term, body: body)
    }
}
