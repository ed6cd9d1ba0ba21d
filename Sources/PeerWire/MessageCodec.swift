// The body of a `.message` frame: every RaftCore `Message`, all bodies, all fields.
import RaftCore

/// Body tags, in the order of `Message.Body`'s cases. Never renumber: add at the end.
enum MessageTag: UInt8 {
    case requestVote = 1
    case requestVoteResponse = 2
    case appendEntries = 3
    case appendEntriesResponse = 4
    case installSnapshot = 5
    case installSnapshotResponse = 6
    case timeoutNow = 7
    case readIndex = 8
    case readIndexResponse = 9
}

extension WireWriter {
    /// `encodedEntries`: the entries of an AppendEntries already encoded (`entries(_:)`), copied in
    /// as they are instead of encoded again (MessageFrameEncoder shares them between followers).
    public mutating func message(_ m: Message, encodedEntries: [UInt8]? = nil) {
        nodeID(m.from)
        nodeID(m.to)
        u64(m.term.rawValue)
        switch m.body {
        case .requestVote(let b):
            u8(MessageTag.requestVote.rawValue)
            u64(b.lastLogIndex.rawValue)
            u64(b.lastLogTerm.rawValue)
            bool(b.preVote)
            bool(b.leadershipTransfer)
        case .requestVoteResponse(let b):
            u8(MessageTag.requestVoteResponse.rawValue)
            bool(b.granted)
            bool(b.preVote)
        case .appendEntries(let b):
            u8(MessageTag.appendEntries.rawValue)
            u64(b.prevLogIndex.rawValue)
            u64(b.prevLogTerm.rawValue)
            u64(b.leaderCommit.rawValue)
            u64(b.readContext)
            u32(UInt32(b.entries.count))
            if let encodedEntries {
                bytes.append(contentsOf: encodedEntries)
            } else {
                entries(b.entries)
            }
        case .appendEntriesResponse(let b):
            u8(MessageTag.appendEntriesResponse.rawValue)
            bool(b.success)
            u64(b.index.rawValue)
            u64(b.conflictIndex.rawValue)
            u64(b.conflictTerm.rawValue)
            u64(b.readContext)
        case .installSnapshot(let meta):
            u8(MessageTag.installSnapshot.rawValue)
            snapshotMetadata(meta)
        case .installSnapshotResponse(let b):
            u8(MessageTag.installSnapshotResponse.rawValue)
            u64(b.index.rawValue)
            bool(b.success)
        case .timeoutNow:
            u8(MessageTag.timeoutNow.rawValue)
        case .readIndex(let requestID):
            u8(MessageTag.readIndex.rawValue)
            u64(requestID)
        case .readIndexResponse(let requestID, let index, let ok):
            u8(MessageTag.readIndexResponse.rawValue)
            u64(requestID)
            u64(index.rawValue)
            bool(ok)
        }
    }

    /// The entries of an AppendEntries, one after the other (their count is written before them).
    public mutating func entries(_ es: [Entry]) {
        for e in es { entry(e) }
    }
}

extension WireReader {
    public mutating func message() throws(WireError) -> Message {
        let from = try nodeID("message.from")
        let to = try nodeID("message.to")
        let term = Term(try u64("message.term"))
        let raw = try u8("message.body")
        guard let tag = MessageTag(rawValue: raw) else { throw .unknownTag(field: "message.body", value: raw) }
        let body: Message.Body
        switch tag {
        case .requestVote:
            let index = LogIndex(try u64("requestVote.lastLogIndex"))
            let lastTerm = Term(try u64("requestVote.lastLogTerm"))
            let pre = try bool("requestVote.preVote")
            let transfer = try bool("requestVote.leadershipTransfer")
            body = .requestVote(RequestVote(lastLogIndex: index, lastLogTerm: lastTerm, preVote: pre, leadershipTransfer: transfer))
        case .requestVoteResponse:
            let granted = try bool("requestVoteResponse.granted")
            body = .requestVoteResponse(RequestVoteResponse(granted: granted, preVote: try bool("requestVoteResponse.preVote")))
        case .appendEntries:
            let prevIndex = LogIndex(try u64("appendEntries.prevLogIndex"))
            let prevTerm = Term(try u64("appendEntries.prevLogTerm"))
            let commit = LogIndex(try u64("appendEntries.leaderCommit"))
            let context = try u64("appendEntries.readContext")
            // An entry takes at least 21 bytes (term, index, kind, data length).
            let n = try count("appendEntries.entries", minElementSize: 21)
            var entries: [Entry] = []
            entries.reserveCapacity(n)
            for _ in 0..<n { entries.append(try entry()) }
            body = .appendEntries(AppendEntries(prevLogIndex: prevIndex, prevLogTerm: prevTerm, entries: entries, leaderCommit: commit, readContext: context))
        case .appendEntriesResponse:
            let success = try bool("appendEntriesResponse.success")
            let index = LogIndex(try u64("appendEntriesResponse.index"))
            let conflictIndex = LogIndex(try u64("appendEntriesResponse.conflictIndex"))
            let conflictTerm = Term(try u64("appendEntriesResponse.conflictTerm"))
            let context = try u64("appendEntriesResponse.readContext")
            body = .appendEntriesResponse(AppendEntriesResponse(success: success, index: index, conflictIndex: conflictIndex, conflictTerm: conflictTerm, readContext: context))
        case .installSnapshot:
            body = .installSnapshot(try snapshotMetadata())
        case .installSnapshotResponse:
            let index = LogIndex(try u64("installSnapshotResponse.index"))
            body = .installSnapshotResponse(InstallSnapshotResponse(index: index, success: try bool("installSnapshotResponse.success")))
        case .timeoutNow:
            body = .timeoutNow
        case .readIndex:
            body = .readIndex(requestID: try u64("readIndex.requestID"))
        case .readIndexResponse:
            let id = try u64("readIndexResponse.requestID")
            let index = LogIndex(try u64("readIndexResponse.index"))
            body = .readIndexResponse(requestID: id, index: index, ok: try bool("readIndexResponse.ok"))
        }
        return Message(from: from, to: to, term: term, body: body)
    }
}
